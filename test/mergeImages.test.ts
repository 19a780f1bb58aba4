// mergeImages end to end: images built by our CLI from real store paths, merged, then read
// back by Docker (load + run), skopeo and tar; and the inputs a user gets wrong.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk } from './helpers/cli.ts';
import { docker, dockerRun, removeImage, skopeoInspect } from './helpers/docker.ts';
import { readArchive, tarEntries } from './helpers/archive.ts';
import { getInputs } from '../src/action/inputs.ts';
import { produce } from '../src/action/deliver.ts';
import { ActionLog } from '../src/action/log.ts';

useOfflineNix();
let fx: NixFixtures;
let tmp: string;
/** merge-a:v1 (hello, gz) and merge-b:v1 (busybox only, zstd): busybox's store layer is in both. */
let a: string;
let b: string;
let aReport: Record<string, any>;
let bReport: Record<string, any>;

before(async () => {
  fx = await nixFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-test-'));
  a = path.join(tmp, 'a.tar.gz');
  b = path.join(tmp, 'b.tar.zst');
  aReport = (await nixDockerOk(['buildLayeredImage', '--name', 'merge-a', '--tag', 'v1', '--contents', fx.hello, '--config', JSON.stringify({ Cmd: ['/bin/hello'] }), '--out', a, '--json'])).json();
  bReport = (await nixDockerOk(['buildLayeredImage', '--name', 'merge-b', '--tag', 'v1', '--contents', fx.busybox, '--config', JSON.stringify({ Cmd: ['/bin/sh', '-c', 'echo from-b'] }), '--compressor', 'zstd', '--out', b, '--json'])).json();
});

const plain = (file: string): Buffer => {
  const buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) return execFileSync('gzip', ['-dc', file], { maxBuffer: 1 << 30 });
  if (buf.readUInt32LE(0) === 0xfd2fb528) return execFileSync('zstd', ['-dc', file], { maxBuffer: 1 << 30 });
  return buf;
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** No output file and no `.partial` left beside it. */
function assertNothingWritten(out: string): void {
  assert.equal(fs.existsSync(out), false, `${out} exists`);
  assert.deepEqual(fs.readdirSync(path.dirname(out)).filter((f) => f.includes(path.basename(out))), []);
}

test('two images with a shared layer merge into one archive: docker load gives both, each runs', async () => {
  const out = path.join(tmp, 'merged.tar.gz');
  await removeImage('merge-a:v1');
  await removeImage('merge-b:v1');
  const r = await nixDockerOk(['mergeImages', '--images', a, '--images', b, '--compressor', 'gz', '--out', out, '--load', '--json']);
  const report = r.json();
  assert.equal(report.function, 'mergeImages');
  assert.equal(report.archive, out);
  assert.equal(report.compressor, 'gz');
  assert.deepEqual(report.images.map((i: any) => i.repoTags), [['merge-a:v1'], ['merge-b:v1']]);
  assert.deepEqual(report.images.map((i: any) => i.configDigest), [aReport.configDigest, bReport.configDigest]);
  assert.deepEqual(report.images.map((i: any) => i.input), [a, b]);
  assert.deepEqual(report.loaded.sort(), ['merge-a:v1', 'merge-b:v1']);
  assert.deepEqual(report.tagConflicts, []);

  assert.match(await dockerRun('merge-a:v1'), /Hello, world!/);
  assert.equal((await dockerRun('merge-b:v1')).trim(), 'from-b');
  for (const [ref, built] of [['merge-a:v1', aReport], ['merge-b:v1', bReport]] as const) {
    assert.equal((await docker('image', 'inspect', '--format', '{{.Id}}', ref)).trim(), built.configDigest);
  }

  // The busybox store layer is in both inputs and once in the output.
  const shared = aReport.layers.filter((l: any) => bReport.layers.some((m: any) => m.diffId === l.diffId)).map((l: any) => l.diffId);
  assert.ok(shared.length >= 1, 'the inputs share a layer');
  const unique = new Set([...aReport.layers, ...bReport.layers].map((l: any) => l.diffId));
  assert.equal(report.layers.length, unique.size);
  for (const d of shared) assert.deepEqual(report.layers.find((l: any) => l.diffId === d).inputs, [a, b]);

  const entries = await tarEntries(plain(out));
  const names = entries.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, 'no member twice');
  const view = await readArchive(out);
  assert.equal(view.manifest.length, 2);
  const layerMembers = view.manifest.flatMap((m) => m.Layers);
  assert.equal(new Set(layerMembers).size, unique.size);
  assert.equal(names.filter((n) => layerMembers.includes(n)).length, unique.size, 'each layer stored once');
  // Every entry names members that are there, and each layer's bytes hash to its config's diff_id.
  for (const m of view.manifest) {
    const config = JSON.parse(view.members.get(m.Config)!.toString());
    assert.equal(config.rootfs.diff_ids.length, m.Layers.length);
    m.Layers.forEach((l, i) => assert.equal(`sha256:${sha256(view.members.get(l)!)}`, config.rootfs.diff_ids[i]));
  }
  assert.equal(names[names.length - 1], 'manifest.json');
  // The manifest is formatted as the project's other manifests (as nixpkgs' streamer writes them).
  const own = (await readArchive(a)).members.get('manifest.json')!.toString();
  assert.equal(view.members.get('manifest.json')!.toString().slice(0, 30), own.slice(0, 30));

  // skopeo (containers/image) picks either image out of the merged archive (decompressed: skopeo 1.9 reads plain archives only).
  const plainOut = path.join(tmp, 'merged-plain.tar');
  fs.writeFileSync(plainOut, plain(out));
  const ia = await skopeoInspect(`docker-archive:${plainOut}:merge-a:v1`);
  const ib = await skopeoInspect(`docker-archive:${plainOut}:merge-b:v1`);
  assert.deepEqual(ia.Layers, aReport.layers.map((l: any) => l.diffId));
  assert.deepEqual(ib.Layers, bReport.layers.map((l: any) => l.diffId));
  // GNU tar reads it too.
  const listed = execFileSync('tar', ['-tzf', out]).toString().trim().split('\n');
  assert.deepEqual(listed, names);

  await removeImage('merge-a:v1');
  await removeImage('merge-b:v1');
});

test('the output is compressed as the last input (nixpkgs), unless compressor says otherwise; the same inputs give the same bytes', async () => {
  const zst = path.join(tmp, 'merged-default.tar.zst');
  const r = (await nixDockerOk(['mergeImages', '--images', a, '--images', b, '--out', zst, '--json'])).json();
  assert.equal(r.compressor, 'zstd');
  assert.equal(fs.readFileSync(zst).readUInt32LE(0), 0xfd2fb528);
  const gz = path.join(tmp, 'merged-ba.tar');
  const r2 = (await nixDockerOk(['mergeImages', '--images', JSON.stringify([b, a]), '--out', gz, '--json'])).json();
  assert.equal(r2.compressor, 'gz');
  assert.deepEqual(r2.images.map((i: any) => i.repoTags[0]), ['merge-b:v1', 'merge-a:v1']);

  for (const compressor of ['none', 'gz', 'zstd']) {
    const files = [1, 2].map((i) => path.join(tmp, `repro-${compressor}-${i}`));
    for (const [i, out] of files.entries()) {
      const workDir = fs.mkdtempSync(path.join(tmp, `work${i}-`));
      await nixDockerOk(['mergeImages', '--images', a, '--images', b, '--compressor', compressor, '--out', out, '--work-dir', workDir], { cwd: workDir });
      assert.deepEqual(fs.readdirSync(workDir), [], 'the work directory is cleaned up');
    }
    assert.ok(fs.readFileSync(files[0]!).equals(fs.readFileSync(files[1]!)), `${compressor}: merged archives differ`);
  }
  // Plain inputs work as well, and a merged archive merges again.
  const again = path.join(tmp, 'again.tar');
  const r3 = (await nixDockerOk(['mergeImages', '--images', path.join(tmp, 'repro-none-1'), '--images', a, '--out', again, '--json'])).json();
  assert.deepEqual(r3.images.map((i: any) => i.repoTags[0]), ['merge-a:v1', 'merge-b:v1'], 'merge-a twice (same config, same tags) is listed once');
});

test('default output name is nixpkgs\' derivation name with the ending of the compression', async () => {
  const cwd = fs.mkdtempSync(path.join(tmp, 'cwd-'));
  const r = (await nixDockerOk(['mergeImages', '--images', b, '--images', a, '--json'], { cwd })).json();
  assert.equal(r.archive, path.join(cwd, 'merge-docker-images.tar.gz'));
  assert.ok(fs.existsSync(r.archive));
  const one = (await nixDockerOk(['mergeImages', '--images', b, '--json'], { cwd })).json();
  assert.equal(one.archive, path.join(cwd, 'merge-docker-images.tar.zst'), 'one archive is a list nixpkgs takes too');
  assert.equal(one.images.length, 1);
});

test('one tag held by two different images: merged as nixpkgs does, with a warning and tagConflicts', async () => {
  const c = path.join(tmp, 'c.tar');
  await nixDockerOk(['buildLayeredImage', '--name', 'merge-a', '--tag', 'v1', '--contents', fx.busybox, '--config', JSON.stringify({ Cmd: ['/bin/sh', '-c', 'echo from-c'] }), '--compressor', 'none', '--out', c]);
  const out = path.join(tmp, 'conflict.tar');
  const r = await nixDockerOk(['mergeImages', '--images', a, '--images', c, '--out', out, '--load', '--json']);
  const report = r.json();
  assert.equal(report.images.length, 2);
  assert.equal(report.tagConflicts.length, 1);
  assert.equal(report.tagConflicts[0].tag, 'merge-a:v1');
  assert.match(r.stderr, /warning: merge-a:v1 is held by 2 different images/);
  // Docker gives the tag to the last image listed.
  assert.equal((await dockerRun('merge-a:v1')).trim(), 'from-c');
  await removeImage('merge-a:v1');
});

test('bad inputs: one line naming the attribute or file, exit 2, nothing written', async () => {
  const out = path.join(tmp, 'bad', 'out.tar.gz');
  fs.mkdirSync(path.dirname(out));
  const notArchive = path.join(tmp, 'not-an-archive.tar');
  fs.writeFileSync(notArchive, 'hello, I am text\n'.repeat(100));
  const specFile = (images: unknown) => {
    const f = path.join(tmp, `spec-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(f, JSON.stringify({ images }));
    return f;
  };
  const cases: [string[], RegExp][] = [
    [['--images', a, '--name', 'x'], /attribute 'name': not an attribute of mergeImages \(known: images, compressor\)/],
    [[], /attribute 'images': is required/],
    [['--images', '[]'], /attribute 'images': expected a list of at least 1 path/],
    [['--spec', specFile([])], /attribute 'images': expected a list of at least 1 path/],
    [['--spec', specFile({ a: 1 })], /attribute 'images': expected a path or a list of paths, got an object/],
    [['--spec', specFile([a, 7])], /attribute 'images': expected a path or a list of paths/],
    [['--images', a, '--images', path.join(tmp, 'missing.tar')], /attribute 'images': .*missing\.tar: no such file/],
    [['--images', notArchive, '--images', a], /attribute 'images': .*not-an-archive\.tar: not a tar archive/],
    [['--images', a, '--compressor', 'xz'], /attribute 'compressor': expected one of none, gz, zstd/],
    [['--images', a, '--push', 'localhost:5000/x:y'], /--push: mergeImages makes one archive of several images/],
  ];
  for (const [args, message] of cases) {
    const r = await nixDocker(['mergeImages', ...args, '--out', out]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assertNothingWritten(out);
  }
});

test('hostile archives: members outside the archive, or layers that are not what the config says, fail the merge', async () => {
  const out = path.join(tmp, 'hostile', 'out.tar');
  fs.mkdirSync(path.dirname(out));
  const build = (name: string, files: Record<string, string | Buffer>) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'hostile-src-'));
    for (const [f, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), data);
    }
    const file = path.join(tmp, name);
    execFileSync('tar', ['-cf', file, '-C', dir, ...Object.keys(files)]);
    return file;
  };
  const layer = execFileSync('tar', ['-cf', '-', '-C', tmp, '--files-from', '/dev/null']);
  const wrongDiffId = `sha256:${'0'.repeat(64)}`;
  const config = (diffId: string) => JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } });
  const escape = build('escape.tar', {
    'manifest.json': JSON.stringify([{ Config: 'c.json', RepoTags: ['evil:1'], Layers: ['../../etc/passwd'] }]),
    'c.json': config(wrongDiffId),
  });
  const liar = build('liar.tar', {
    'manifest.json': JSON.stringify([{ Config: 'c.json', RepoTags: ['liar:1'], Layers: ['l/layer.tar'] }]),
    'c.json': config(wrongDiffId),
    'l/layer.tar': layer,
  });
  let r = await nixDocker(['mergeImages', '--images', a, '--images', escape, '--out', out]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /attribute 'images': .*escape\.tar: member '..\/..\/etc\/passwd' points outside the archive/);
  assertNothingWritten(out);
  r = await nixDocker(['mergeImages', '--images', a, '--images', liar, '--out', out]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /attribute 'images': .*liar\.tar: layer 1 \('l\/layer\.tar'\) hashes to sha256:[0-9a-f]{64}, but the image config says sha256:0{64}/);
  assertNothingWritten(out);
});

test('action: mergeImages takes `images` (one per line), refuses push and labels, and delivers the archive (load)', async () => {
  const env = (inputs: Record<string, string>): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const fails = (inputs: Record<string, string>, re: RegExp) => assert.throws(() => getInputs(env(inputs)), (e: Error) => (assert.match(e.message, re), true));
  fails({ function: 'mergeImages', images: `${a}\n${b}`, push: 'true', tags: 'localhost:5000/x:1' }, /^input 'push': not used with mergeImages/);
  fails({ function: 'mergeImages', images: `${a}\n${b}`, tags: 'localhost:5000/x:1' }, /^input 'tags': not used with mergeImages/);
  fails({ function: 'mergeImages', images: `${a}\n${b}`, labels: 'a=b' }, /^input 'labels': not used with mergeImages/);
  fails({ function: 'mergeImages' }, /^attribute 'images': is required$/);
  fails({ function: 'mergeImages', images: a, name: 'x' }, /^attribute 'name': not an attribute of mergeImages/);

  const tmpRoot = fs.mkdtempSync(path.join(tmp, 'runner-'));
  const inputs = getInputs(env({ function: 'mergeImages', images: `${a}\n\n${b}\n`, load: 'true' }));
  assert.equal(inputs.target.kind, 'merge');
  if (inputs.target.kind !== 'merge') return;
  assert.deepEqual(inputs.target.spec.images, [a, b]);
  assert.equal(inputs.target.spec.compressor, null);
  await removeImage('merge-a:v1');
  await removeImage('merge-b:v1');
  const report = await produce(inputs, { env: process.env, tmpRoot, log: new ActionLog(), access: { env: process.env, cleanup: async () => {} } });
  assert.equal(report.archive, path.join(tmpRoot, 'merge-docker-images.tar.zst'));
  assert.ok(fs.existsSync(report.archive!));
  assert.equal(report.function, 'mergeImages');
  assert.equal(report.image, 'merge-a:v1 merge-b:v1');
  assert.equal(report.configDigest, `${aReport.configDigest} ${bReport.configDigest}`);
  assert.deepEqual(report.loaded.sort(), ['merge-a:v1', 'merge-b:v1']);
  assert.equal((await dockerRun('merge-b:v1')).trim(), 'from-b');
  await removeImage('merge-a:v1');
  await removeImage('merge-b:v1');
});

test('two different layers (and configs) under one member name both survive: the later is renamed by its digest', async () => {
  const archive = (name: string, content: string) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'same-name-'));
    fs.writeFileSync(path.join(dir, 'file'), content);
    fs.mkdirSync(path.join(dir, 'l'));
    execFileSync('tar', ['-cf', path.join(dir, 'l', 'layer.tar'), '-C', dir, 'file']);
    const diffId = `sha256:${sha256(fs.readFileSync(path.join(dir, 'l', 'layer.tar')))}`;
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: 'c.json', RepoTags: [`${name}:1`], Layers: ['l/layer.tar'] }]));
    const file = path.join(tmp, `${name}.tar`);
    execFileSync('tar', ['-cf', file, '-C', dir, 'manifest.json', 'c.json', 'l/layer.tar']);
    return { file, diffId };
  };
  const x = archive('same-x', 'x\n');
  const y = archive('same-y', 'y\n');
  const out = path.join(tmp, 'same-name.tar');
  const report = (await nixDockerOk(['mergeImages', '--images', x.file, '--images', y.file, '--out', out, '--json'])).json();
  assert.deepEqual(report.layers.map((l: any) => l.member), ['l/layer.tar', `${y.diffId.slice(7)}/layer.tar`]);
  const view = await readArchive(out);
  assert.equal(view.manifest[0]!.Config, 'c.json');
  assert.match(view.manifest[1]!.Config, /^[0-9a-f]{64}\.json$/);
  for (const [i, m] of view.manifest.entries()) {
    assert.equal(`sha256:${sha256(view.members.get(m.Layers[0]!)!)}`, [x, y][i]!.diffId);
    assert.equal(`sha256:${sha256(view.members.get(m.Config)!)}`, report.images[i].configDigest);
  }
});
