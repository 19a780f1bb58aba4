// streamLayeredImage / buildLayeredImage end to end: real Nix store paths, the CLI as a
// user runs it, a real Docker engine, skopeo as an independent reader.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, syntheticPaths, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk } from './helpers/cli.ts';
import { docker, dockerRun, removeImage, skopeoInspect } from './helpers/docker.ts';
import { readArchive, tarEntries } from './helpers/archive.ts';

useOfflineNix();
let fx: NixFixtures;
let tmp: string;
before(async () => {
  fx = await nixFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layered-test-'));
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const helloConfig = () => JSON.stringify({ Cmd: ['/bin/hello'] });

test('hello: buildLayeredImage --load runs in Docker; --json reports what was written', async () => {
  const out = path.join(tmp, 'hello.tar.gz');
  const r = await nixDockerOk(['buildLayeredImage', '--name', 'e2e-hello', '--tag', 'v1', '--contents', fx.hello, '--config', helloConfig(), '--out', out, '--load', '--json']);
  const report = r.json();
  assert.equal(report.imageName, 'e2e-hello');
  assert.equal(report.imageTag, 'v1');
  assert.equal(report.archive, out);
  assert.match(report.configDigest, /^sha256:[0-9a-f]{64}$/);
  // hello, libgreet and busybox each get a store layer, then the customisation layer.
  assert.equal(report.layers.length, 4);
  assert.deepEqual(report.layers.slice(0, 3).flatMap((l: any) => l.paths).sort(), [fx.busybox, fx.hello, fx.libgreet].sort());
  for (const l of report.layers) assert.ok(l.size > 0 && /^sha256:[0-9a-f]{64}$/.test(l.diffId));

  assert.match(await dockerRun('e2e-hello:v1'), /Hello, world!/);
  const id = (await docker('image', 'inspect', '--format', '{{.Id}}', 'e2e-hello:v1')).trim();
  assert.equal(id, report.configDigest);
  const view = await readArchive(out);
  assert.deepEqual(view.config.rootfs.diff_ids, report.layers.map((l: any) => l.diffId));
  assert.deepEqual(view.layerDigests.map((d) => `sha256:${d}`), view.config.rootfs.diff_ids);
  assert.equal(`sha256:${sha256(view.configBytes)}`, report.configDigest);
  assert.deepEqual(view.manifest[0]!.RepoTags, ['e2e-hello:v1']);
  await removeImage('e2e-hello:v1');
});

test('a name with a slash: the customisation layer is named after the base name, as nixpkgs names it', async () => {
  // nixpkgs (pkgs/build-support/docker/default.nix, streamLayeredImage): baseName = baseNameOf name;
  // customisationLayer = symlinkJoin { name = "${baseName}-customisation-layer"; ... }, and
  // stream_layered_image.py writes `"comment": f"store paths: {layer.paths}"` with
  // paths = [customisation_layer]. Ours is no store path: the name alone, without /nix/store/<hash>-.
  const out = path.join(tmp, 'slash.tar');
  const r = await nixDockerOk(['buildLayeredImage', '--name', 'org/app', '--tag', 't', '--contents', fx.hello, '--compressor', 'none', '--out', out, '--json']);
  assert.deepEqual(r.json().layers.at(-1).paths, ['app-customisation-layer']);
  const view = await readArchive(out);
  assert.deepEqual(view.manifest[0]!.RepoTags, ['org/app:t']);
  assert.equal(view.config.history.at(-1).comment, "store paths: ['app-customisation-layer']");
});

test('streamLayeredImage writes the archive to stdout: docker load and skopeo read it', async () => {
  const r = await nixDockerOk(['streamLayeredImage', '--name', 'e2e-stream', '--tag', 'latest', '--contents', fx.hello, '--config', helloConfig()]);
  const loaded = spawnSync('docker', ['load'], { input: r.stdout });
  assert.equal(loaded.status, 0, loaded.stderr?.toString());
  assert.match(loaded.stdout.toString(), /Loaded image: e2e-stream:latest/);
  assert.match(await dockerRun('e2e-stream:latest'), /Hello, world!/);
  const file = path.join(tmp, 'stream.tar');
  fs.writeFileSync(file, r.stdout);
  const inspected = await skopeoInspect(`docker-archive:${file}`);
  const view = await readArchive(r.stdout);
  assert.deepEqual(inspected.Layers, view.config.rootfs.diff_ids);
  assert.equal(inspected.Architecture, view.config.architecture);
  await removeImage('e2e-stream:latest');
});

test('a second build of the same spec is byte-identical (none, gz, zstd)', async () => {
  for (const compressor of ['none', 'gz', 'zstd']) {
    const files = [1, 2].map((i) => path.join(tmp, `repro-${compressor}-${i}.tar`));
    for (const [i, out] of files.entries()) {
      // Different working directories and temp dirs must not leak into the bytes.
      const workDir = fs.mkdtempSync(path.join(tmp, `work${i}-`));
      await nixDockerOk(['buildLayeredImage', '--name', 'repro', '--contents', fx.hello, '--contents', fx.nested, '--config', helloConfig(), '--compressor', compressor, '--extraCommands', 'mkdir -p tmp etc && echo hi > etc/motd', '--out', out, '--work-dir', workDir], { cwd: workDir });
    }
    assert.ok(fs.readFileSync(files[0]!).equals(fs.readFileSync(files[1]!)), `${compressor}: archives differ`);
  }
});

test('zstd archives load into Docker', async () => {
  const out = path.join(tmp, 'hello.tar.zst');
  await nixDockerOk(['buildLayeredImage', '--name', 'e2e-zstd', '--tag', 't', '--contents', fx.hello, '--config', helloConfig(), '--compressor', 'zstd', '--out', out, '--load']);
  assert.equal(fs.readFileSync(out).readUInt32LE(0), 0xfd2fb528);
  assert.match(await dockerRun('e2e-zstd:t'), /Hello, world!/);
  await removeImage('e2e-zstd:t');
});

test('created = "now" changes the config only; tag = null is derived from the content', async () => {
  const build = async (extra: string[], name: string) => {
    const out = path.join(tmp, `${name}.tar`);
    const report = (await nixDockerOk(['buildLayeredImage', '--name', 'meta', '--contents', fx.hello, '--compressor', 'none', '--out', out, '--json', ...extra])).json();
    return { report, view: await readArchive(out) };
  };
  const a = await build([], 'meta-a');
  const b = await build([], 'meta-b');
  const now = await build(['--created', 'now'], 'meta-now');
  const other = await build(['--config', '{"User":"1000"}'], 'meta-other');
  assert.deepEqual(now.view.config.rootfs.diff_ids, a.view.config.rootfs.diff_ids);
  assert.notEqual(now.report.configDigest, a.report.configDigest);
  assert.equal(a.view.config.created, '1970-01-01T00:00:01+00:00');
  assert.ok(Date.parse(now.view.config.created) > Date.parse('2020-01-01'));
  assert.match(a.report.imageTag, /^[0-9a-z]{32}$/);
  assert.equal(a.report.imageTag, b.report.imageTag);
  assert.notEqual(a.report.imageTag, other.report.imageTag);
  assert.deepEqual(a.view.manifest[0]!.RepoTags, [`meta:${a.report.imageTag}`]);
});

test('maxLayers: store layers for path counts of limit-1, limit, limit+1 and 0', async () => {
  const maxLayers = 5; // one layer goes to the customisation layer: 4 for store paths
  for (const n of [3, 4, 5]) {
    const paths = await syntheticPaths(n, 'chain', `max${n}`);
    const top = paths[paths.length - 1]!;
    // Synthetic paths are files, which symlinkJoin cannot take as contents: reach them through the config.
    const report = (await nixDockerOk(['streamLayeredImage', '--name', 'max', '--config', JSON.stringify({ Labels: { top } }), '--maxLayers', String(maxLayers), '--layeringPipeline', 'popularity', '--out', path.join(tmp, `max${n}.tar`), '--json'])).json();
    const store = report.layers.slice(0, -1);
    assert.equal(store.length, Math.min(n, maxLayers - 1), `n=${n}`);
    assert.deepEqual(store.flatMap((l: any) => l.paths).sort(), [...paths].sort(), `n=${n}: every path in exactly one layer`);
    if (n > maxLayers - 1) assert.equal(store[store.length - 1].paths.length, n - (maxLayers - 2));
  }
  const empty = (await nixDockerOk(['streamLayeredImage', '--name', 'max', '--maxLayers', '2', '--out', path.join(tmp, 'max0.tar'), '--json'])).json();
  assert.equal(empty.layers.length, 1);
});

test('fromImage: layered on layered, Env inherited (child wins), base layers count against maxLayers', async () => {
  const base = path.join(tmp, 'base.tar.gz');
  await nixDockerOk(['buildLayeredImage', '--name', 'base', '--tag', 'b', '--contents', fx.hello, '--config', JSON.stringify({ Cmd: ['/bin/hello'], Env: ['A=base', 'B=base', 'PATH=/bin'] }), '--out', base]);
  const child = path.join(tmp, 'child.tar');
  const report = (await nixDockerOk(['buildLayeredImage', '--name', 'child', '--tag', 'c', '--fromImage', base, '--contents', fx.busybox, '--config', JSON.stringify({ Env: ['B=child', 'C=child'], Cmd: ['/bin/sh', '-c', 'echo $A $B $C; hello'] }), '--compressor', 'none', '--out', child, '--load', '--json'])).json();
  const baseView = await readArchive(base);
  const view = await readArchive(child);
  assert.deepEqual(view.config.rootfs.diff_ids.slice(0, 4), baseView.config.rootfs.diff_ids);
  assert.deepEqual(view.config.config.Env, ['A=base', 'B=child', 'PATH=/bin', 'C=child']);
  // busybox is already in a base layer as a path, but dockerTools layers the new closure anyway.
  assert.equal(report.layers.length, 4 + 2);
  assert.equal((await dockerRun('child:c')).trim(), 'base child child\nHello, world!');

  const noRoom = await nixDocker(['buildLayeredImage', '--name', 'child', '--fromImage', base, '--contents', fx.busybox, '--maxLayers', '5', '--out', path.join(tmp, 'noroom.tar.gz')]);
  assert.equal(noRoom.status, 2);
  assert.match(noRoom.stderr, /maxLayers/);
  assert.ok(!fs.existsSync(path.join(tmp, 'noroom.tar.gz')));
  await removeImage('child:c');
});

test('fromImage with a repeated layer (docker save style symlinked duplicates) loads and runs', async () => {
  // Build a plain base, then rewrite it so one layer is listed twice.
  const plain = path.join(tmp, 'rep-base.tar');
  await nixDockerOk(['streamLayeredImage', '--name', 'rep', '--contents', fx.hello, '--config', helloConfig(), '--out', plain]);
  const dir = fs.mkdtempSync(path.join(tmp, 'rep-'));
  execFileSync('tar', ['-C', dir, '-xf', plain]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const configName = manifest[0].Config;
  const config = JSON.parse(fs.readFileSync(path.join(dir, configName), 'utf8'));
  const first = manifest[0].Layers[0];
  // A second member that is a symlink to the first layer, as `docker save` writes duplicates.
  fs.mkdirSync(path.join(dir, 'dup'));
  fs.symlinkSync(`../${first}`, path.join(dir, 'dup', 'layer.tar'));
  manifest[0].Layers.push('dup/layer.tar');
  config.rootfs.diff_ids.push(config.rootfs.diff_ids[0]);
  fs.writeFileSync(path.join(dir, configName), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const repeated = path.join(tmp, 'repeated.tar');
  execFileSync('tar', ['-C', dir, '-cf', repeated, '.']);
  const out = path.join(tmp, 'on-repeated.tar');
  const report = (await nixDockerOk(['buildLayeredImage', '--name', 'onrep', '--tag', 'x', '--fromImage', repeated, '--contents', fx.busybox, '--config', helloConfig(), '--compressor', 'none', '--out', out, '--load', '--json'])).json();
  assert.equal(report.layers[0].diffId, report.layers[report.layers.length - 3].diffId);
  assert.match(await dockerRun('onrep:x'), /Hello, world!/);
  await removeImage('onrep:x');
});

test('fakeRootCommands: a chown shows in the container', async () => {
  await nixDockerOk(['buildLayeredImage', '--name', 'fakeroot', '--tag', 'x', '--contents', fx.busybox, '--fakeRootCommands', 'mkdir -p data && echo hi > data/file && chown 1000:1000 data/file && chmod 0640 data/file', '--out', path.join(tmp, 'fakeroot.tar.gz'), '--load']);
  assert.equal((await dockerRun('fakeroot:x', '/bin/stat', '-c', '%u:%g %a', '/data/file')).trim(), '1000:1000 640');
  await removeImage('fakeroot:x');
});

test('enableFakechroot: fakeRootCommands run chrooted in the layer with the store visible', async () => {
  const script = `${fx.busybox}/bin/busybox mkdir -p /etc && ${fx.busybox}/bin/busybox sh -c 'echo chrooted > /etc/where' && chown 7:7 /etc/where`; // host chown: fakeroot sees dynamic binaries only
  await nixDockerOk(['buildLayeredImage', '--name', 'fakechroot', '--tag', 'x', '--contents', fx.busybox, '--enableFakechroot', 'true', '--fakeRootCommands', script, '--out', path.join(tmp, 'fakechroot.tar.gz'), '--load']);
  assert.equal((await dockerRun('fakechroot:x', '/bin/sh', '-c', 'cat /etc/where; stat -c %u /etc/where')).trim(), 'chrooted\n7');
  await removeImage('fakechroot:x');
});

test('includeStorePaths = false leaves no /nix/store entries; the links remain', async () => {
  const out = path.join(tmp, 'nostore.tar');
  await nixDockerOk(['streamLayeredImage', '--name', 'nostore', '--contents', fx.hello, '--includeStorePaths', 'false', '--out', out]);
  const view = await readArchive(out);
  assert.equal(view.layers.length, 1);
  const names = view.layers.flat().map((e) => e.name);
  assert.ok(!names.some((n) => n.includes('nix/store')), names.join(' '));
  const hello = view.layers[0]!.find((e) => e.name === './bin/hello');
  assert.equal(hello?.type, 'symlink');
  assert.equal(hello?.linkname, `${fx.hello}/bin/hello`);
});

test('store layers: symlinks are not dereferenced, and bytes match the Python reference writer', async () => {
  const out = path.join(tmp, 'links.tar');
  const report = (await nixDockerOk(['streamLayeredImage', '--name', 'links', '--contents', fx.nested, '--config', JSON.stringify({ Labels: { link: fx.storeSymlink } }), '--mtime', '2021-01-01T00:00:00Z', '--uid', '1000', '--gid', '100', '--uname', 'user', '--gname', 'users', '--out', out, '--json'])).json();
  const view = await readArchive(out);
  const entries = view.layers.flat();
  const dirLink = entries.find((e) => e.name === `${fx.nested}/dir-link`);
  assert.equal(dirLink?.type, 'symlink');
  assert.ok(!entries.some((e) => e.name.startsWith(`${fx.nested}/dir-link/`)));
  const storeLink = entries.find((e) => e.name === fx.storeSymlink);
  assert.equal(storeLink?.type, 'symlink');
  for (const e of entries.filter((x) => x.name.startsWith('/nix/'))) {
    assert.equal(e.uid, 1000);
    assert.equal(e.mtime, 1609459200);
  }
  for (const layer of report.layers.slice(0, -1)) {
    const conf = JSON.stringify({ paths: layer.paths, mtime: 1609459200, uid: 1000, gid: 100, uname: 'user', gname: 'users' });
    const reference = execFileSync('python3', ['test/fixtures/tar/python_layer.py', conf], { maxBuffer: 256 << 20 });
    assert.equal(`sha256:${sha256(reference)}`, layer.diffId, `layer ${layer.paths}`);
  }
});

test('includeNixDB: the image carries a Nix database of exactly its closure', async () => {
  const out = path.join(tmp, 'nixdb.tar');
  const report = (await nixDockerOk(['buildLayeredImageWithNixDb', '--name', 'nixdb', '--contents', fx.hello, '--compressor', 'none', '--out', out, '--json'])).json();
  const view = await readArchive(out);
  const custom = view.layers[view.layers.length - 1]!;
  const db = custom.find((e) => /nix\/var\/nix\/db\/db\.sqlite$/.test(e.name));
  assert.ok(db?.data, 'db.sqlite in the customisation layer');
  const file = path.join(tmp, 'db.sqlite');
  fs.writeFileSync(file, db.data);
  const { DatabaseSync } = await import('node:sqlite');
  const rows = new DatabaseSync(file).prepare('SELECT path FROM ValidPaths ORDER BY path').all().map((r: any) => r.path);
  const closure = report.layers.slice(0, -1).flatMap((l: any) => l.paths).sort();
  assert.deepEqual(rows, closure);
});

test('config store paths join the closure; layeringPipeline chooses the strategy', async () => {
  const cmd = JSON.stringify({ Cmd: [`${fx.hello}/bin/hello`] });
  await nixDockerOk(['buildLayeredImage', '--name', 'cfgclosure', '--tag', 'x', '--config', cmd, '--out', path.join(tmp, 'cfg.tar.gz'), '--load']);
  assert.match(await dockerRun('cfgclosure:x'), /Hello, world!/);
  await removeImage('cfgclosure:x');
  for (const pipeline of ['auto', 'popularity', '[["popularity_contest"],["limit_layers",2]]']) {
    const r = (await nixDockerOk(['streamLayeredImage', '--name', 'pipe', '--contents', fx.hello, '--layeringPipeline', pipeline, '--out', path.join(tmp, 'pipe.tar'), '--json'])).json();
    const store = r.layers.slice(0, -1);
    assert.deepEqual(store.flatMap((l: any) => l.paths).sort(), [fx.busybox, fx.hello, fx.libgreet].sort(), pipeline);
    if (pipeline.startsWith('[')) assert.equal(store.length, 2);
  }
});

const badInputs: [string, string[], RegExp, number][] = [
  ['missing contents path', ['--contents', '/nix/store/00000000000000000000000000000000-missing'], /^nix-docker: attribute 'contents': .*00000000000000000000000000000000-missing/, 2],
  ['maxLayers of 1', ['--maxLayers', '1'], /^nix-docker: attribute 'maxLayers': expected an integer >= 2/, 2],
  ['unknown attribute', ['--maxLayer', '3'], /^nix-docker: attribute 'maxLayer': not an attribute of buildLayeredImage/, 2],
  ['config that is not JSON', ['--config', '{"Cmd": ['], /^nix-docker: attribute 'config': invalid JSON/, 2],
  ['missing fromImage', ['--fromImage', '/nonexistent/base.tar'], /^nix-docker: attribute 'fromImage': .*no such file/, 2],
  ['fromImage that is not an archive', ['--fromImage', '/etc/hostname'], /^nix-docker: attribute 'fromImage': .*not a/, 2],
  ['contents outside the store', ['--contents', '/etc'], /^nix-docker: attribute 'contents': \/etc: not a store path/, 2],
  ['bogus store path in config', ['--config', '{"Cmd":["/nix/store/00000000000000000000000000000000-nope/bin/x"]}'], /^nix-docker: attribute 'config': .*00000000000000000000000000000000-nope/, 2],
  ['compressor xz', ['--compressor', 'xz'], /^nix-docker: attribute 'compressor': expected one of none, gz, zstd/, 2],
  ['bad layeringPipeline', ['--layeringPipeline', '[["frobnicate"]]'], /layeringPipeline/, 2],
];
for (const [what, args, re, status] of badInputs) {
  test(`bad input: ${what} → one line naming it, exit ${status}, no output file`, async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
    const out = path.join(dir, 'out.tar.gz');
    const r = await nixDocker(['buildLayeredImage', '--name', 'bad', '--contents', fx.hello, ...args, '--out', out], { cwd: dir });
    assert.equal(r.status, status, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1]!, re);
    assert.equal(lines.filter((l) => l.startsWith('nix-docker:')).length, 1, r.stderr);
    assert.match(lines[lines.length - 1]!, /^nix-docker: /);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
}

test('a failing extraCommands fails the build with its exit code, and nothing is written', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'fail-'));
  const r = await nixDocker(['buildLayeredImage', '--name', 'fail', '--contents', fx.hello, '--extraCommands', 'echo oops >&2; exit 3', '--out', path.join(dir, 'x.tar.gz')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /extraCommands/);
  assert.match(r.stderr, /3/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('tarEntries helper sanity: reads a GNU tar', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'sanity-'));
  fs.writeFileSync(path.join(dir, 'f'), 'x');
  const entries = await tarEntries(execFileSync('tar', ['-C', dir, '-cf', '-', 'f']));
  assert.deepEqual(entries.map((e) => e.name), ['f']);
});
