// buildImage / buildImageWithNixDb end to end, without a VM: real Nix store paths, the CLI
// as a user runs it, a real Docker engine; the layer and config bytes against nixpkgs'
// own recipe (rsync, GNU tar, jq) run on the same inputs. runAsRoot: buildImage-runAsRoot.test.ts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findBusybox, useOfflineNix } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk, REPO } from './helpers/cli.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { readArchive, tarEntries, type Entry } from './helpers/archive.ts';

const run = promisify(execFile);
useOfflineNix();

const FIXTURES = path.join(REPO, 'test/fixtures/buildImage');
const LAYER_SH = path.join(FIXTURES, 'nixpkgs-layer.sh');
const CONFIG_SH = path.join(FIXTURES, 'nixpkgs-config.sh');
const ATTRS = ['busybox', 'hello', 'libgreet', 'nested', 'hardLinks', 'helloEnv', 'extraRoot', 'refRoot'] as const;
type Fx = Record<(typeof ATTRS)[number], string>;

let fx: Fx;
let tmp: string;
before(async () => {
  const args = ['--no-out-link', '--option', 'substituters', '', path.join(FIXTURES, 'default.nix'), '--arg', 'busyboxBin', findBusybox(), ...ATTRS.flatMap((a) => ['-A', a])];
  const { stdout } = await run('nix-build', args, { maxBuffer: 16 << 20 });
  const out = stdout.trim().split('\n');
  fx = Object.fromEntries(ATTRS.map((a, i) => [a, out[i]!])) as Fx;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'build-image-test-'));
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const layerOf = (view: Awaited<ReturnType<typeof readArchive>>, i = -1) => view.layers.at(i)!;
const names = (entries: Entry[]) => entries.map((e) => e.name);

/** nixpkgs' recipe on the host → the layer tar's bytes. */
function nixpkgsLayer(o: { uid?: number; gid?: number; keep?: boolean; extraCommands?: string; baseTars?: string[]; items: string[]; closure: string[] }): Buffer {
  const out = path.join(fs.mkdtempSync(path.join(tmp, 'ref-')), 'layer.tar');
  execFileSync(LAYER_SH, [out, String(o.uid ?? 0), String(o.gid ?? 0), o.keep ? 'K' : 'k', o.extraCommands ?? '', (o.baseTars ?? []).join(' '), '--', ...o.items, '--', ...o.closure]);
  return fs.readFileSync(out);
}

/** nixpkgs' jq steps → the sha256 of the image JSON. */
function nixpkgsConfigDigest(created: string, config: unknown, baseEnv: string[], diffIds: string[]): string {
  const json = execFileSync(CONFIG_SH, [created, 'amd64', JSON.stringify(config), JSON.stringify(baseEnv), ...diffIds]);
  return `sha256:${sha256(json)}`;
}

function closureOf(...paths: string[]): string[] {
  return execFileSync('nix-store', ['-qR', ...paths], { encoding: 'utf8' }).trim().split('\n').sort();
}

/** The content of `file` in `image`, read with docker cp (no tools needed in the image). */
async function dockerCat(image: string, file: string): Promise<Buffer> {
  const id = (await docker('create', image)).trim();
  try {
    const { stdout } = await run('docker', ['cp', `${id}:${file}`, '-'], { encoding: 'buffer', maxBuffer: 64 << 20 });
    const [entry] = await tarEntries(stdout, true);
    return entry!.data!;
  } finally {
    await docker('rm', id);
  }
}

async function build(args: string[], name: string) {
  const out = path.join(tmp, `${name}.tar`);
  const report = (await nixDockerOk(['buildImage', '--compressor', 'none', '--out', out, '--json', ...args])).json();
  return { out, report, view: await readArchive(out) };
}

test("the manual's extraCommands example: runs in Docker; layer and config bytes are nixpkgs'", async () => {
  const extraCommands = 'mkdir -p data\necho "some content" > my-file';
  const config = { Cmd: ['/bin/hello'], WorkingDir: '/data' };
  const r = await nixDockerOk(['buildImage', '--name', 'bi-hello', '--tag', 'latest', '--copyToRoot', fx.helloEnv, '--extraCommands', extraCommands, '--config', JSON.stringify(config), '--load', '--out', path.join(tmp, 'hello.tar.gz'), '--json']);
  const report = r.json();
  assert.equal(report.image, 'bi-hello:latest');
  assert.equal(report.layers.length, 1);
  assert.equal(report.archive, path.join(tmp, 'hello.tar.gz'));

  // The layer passthru: a tar beside the archive whose sha256 is the image's last diff_id.
  assert.equal(report.layer, path.join(tmp, 'hello-layer.tar'));
  const layer = fs.readFileSync(report.layer);
  assert.equal(`sha256:${sha256(layer)}`, report.layers.at(-1).diffId);
  assert.deepEqual(report.passthru, { imageTag: 'latest', buildArgs: report.buildArgs, layer: report.layer });
  assert.deepEqual(report.buildArgs, { name: 'bi-hello', tag: 'latest', copyToRoot: [fx.helloEnv], extraCommands, config });

  // /bin is a directory (the env's bin link, copied as rsync -k does); hello's closure is appended.
  assert.ok(layer.equals(nixpkgsLayer({ extraCommands, items: [fx.helloEnv], closure: closureOf(fx.busybox, fx.libgreet) })), 'layer differs from nixpkgs');
  assert.equal(report.configDigest, nixpkgsConfigDigest('1970-01-01T00:00:01Z', config, [], [report.layers[0].diffId]));

  assert.equal((await dockerRun('bi-hello:latest')).trim(), 'Hello, world!');
  assert.equal((await dockerCat('bi-hello:latest', '/my-file')).toString(), 'some content\n');
  const inspect = JSON.parse(await docker('image', 'inspect', 'bi-hello:latest'))[0];
  assert.equal(inspect.Config.WorkingDir, '/data');
  assert.equal(inspect.Id, report.configDigest);
  const entries = await tarEntries(layer);
  const bin = entries.find((e) => e.name === './bin/');
  assert.equal(bin?.type, 'directory');
  assert.ok(names(entries).includes('./data/'));
  assert.ok(names(entries).includes(`${fx.libgreet.slice(1)}/lib/greet.sh`));
  await removeImage('bi-hello:latest');
});

test('the same spec built twice gives identical bytes (none, gz, zstd), from different work dirs', async () => {
  for (const compressor of ['none', 'gz', 'zstd']) {
    const outs = [1, 2].map((i) => path.join(tmp, `repro-${compressor}-${i}.tar`));
    for (const [i, out] of outs.entries()) {
      const workDir = fs.mkdtempSync(path.join(tmp, `work${i}-`));
      await nixDockerOk(['buildImage', '--name', 'repro', '--copyToRoot', fx.helloEnv, '--copyToRoot', fx.nested, '--extraCommands', 'mkdir -p tmp etc && echo hi > etc/motd', '--config', '{"Env":["A=1"]}', '--compressor', compressor, '--out', out, '--work-dir', workDir], { cwd: workDir });
    }
    assert.ok(fs.readFileSync(outs[0]!).equals(fs.readFileSync(outs[1]!)), `${compressor}: archives differ`);
  }
});

test('several roots, keepContentsDirlinks = true, uid/gid, hard links: layer bytes are nixpkgs\'', async () => {
  const items = [fx.helloEnv, fx.extraRoot, fx.nested, fx.hardLinks];
  const { report, view } = await build(['--name', 'keep', '--tag', 'k', ...items.flatMap((i) => ['--copyToRoot', i]), '--keepContentsDirlinks', '--uid', '4242', '--gid', '4343'], 'keep');
  // bin stays a link into hello, so hello itself is now referenced and appended.
  const reference = nixpkgsLayer({ uid: 4242, gid: 4343, keep: true, items, closure: closureOf(fx.hello) });
  assert.equal(`sha256:${sha256(reference)}`, report.layers[0].diffId);
  const entries = layerOf(view);
  assert.equal(entries.find((e) => e.name === './bin')?.linkname, `${fx.hello}/bin`);
  assert.equal(entries.find((e) => e.name === './dir-link')?.linkname, 'a/b');
  assert.equal(entries.find((e) => e.name === './lib64')?.linkname, 'lib');
  const one = entries.find((e) => e.name === './data/one')!;
  const two = entries.find((e) => e.name === './data/two')!;
  assert.equal(one.type, 'file');
  assert.equal(two.type, 'file');
  assert.equal(two.data?.toString(), 'same inode\n');
  // The layer's own files are uid/gid's; what the closure append adds (./nix/, ./nix/store/, nix/store/...) is root's.
  const appended = (n: string) => n.startsWith('nix/') || n === './nix/' || n === './nix/store/';
  for (const e of entries.filter((x) => !appended(x.name))) assert.deepEqual([e.uid, e.gid], [4242, 4343], e.name);
  for (const e of entries.filter((x) => appended(x.name))) assert.deepEqual([e.uid, e.gid, e.uname], [0, 0, 'root'], e.name);
  assert.ok(entries.some((x) => x.name === './nix/store/'));
});

test('keepContentsDirlinks = false copies directory links as directories (rsync -k)', async () => {
  const items = [fx.nested, fx.extraRoot];
  const { report, view } = await build(['--name', 'nokeep', ...items.flatMap((i) => ['--copyToRoot', i])], 'nokeep');
  assert.equal(`sha256:${sha256(nixpkgsLayer({ items, closure: [] }))}`, report.layers[0].diffId);
  const entries = layerOf(view);
  assert.equal(entries.find((e) => e.name === './dir-link/')?.type, 'directory');
  assert.equal(entries.find((e) => e.name === './dir-link/c/file')?.data?.toString(), 'deep\n');
  assert.equal(entries.find((e) => e.name === './lib64/marker')?.data?.toString(), 'lib\n');
  // Nothing refers to the store: no closure, no /nix.
  assert.ok(!entries.some((e) => e.name.includes('nix')), names(entries).join(' '));
});

test('fromImage built by buildImage: files the base holds are not appended again; Env is base + own', async () => {
  const base = await build(['--name', 'bbase', '--tag', 'b', '--copyToRoot', fx.busybox, '--copyToRoot', fx.helloEnv, '--config', '{"Env":["A=base","PATH=/bin"]}'], 'bbase');
  const config = { Env: ['A=child'], Cmd: ['/bin/sh', '-c', 'cat /etc/shells.conf; echo $A'] };
  const child = await build(['--name', 'bchild', '--tag', 'c', '--fromImage', base.out, '--copyToRoot', fx.refRoot, '--config', JSON.stringify(config), '--load'], 'bchild');
  assert.deepEqual(child.view.config.rootfs.diff_ids.slice(0, 1), base.view.config.rootfs.diff_ids);
  assert.equal(child.report.layers.length, 2);
  // refRoot names busybox, which the base layer already carries: only refRoot's own files.
  const baseTar = path.join(tmp, 'bbase-layer.tar');
  const reference = nixpkgsLayer({ baseTars: [baseTar], items: [fx.refRoot], closure: closureOf(fx.busybox) });
  assert.equal(`sha256:${sha256(reference)}`, child.report.layers[1].diffId);
  assert.deepEqual(names(layerOf(child.view)), ['./', './etc/', './etc/shells.conf']);
  assert.deepEqual(child.view.config.config.Env, ['A=base', 'PATH=/bin', 'A=child']);
  assert.equal(child.report.configDigest, nixpkgsConfigDigest('1970-01-01T00:00:01Z', config, ['A=base', 'PATH=/bin'], child.view.config.rootfs.diff_ids));
  // And with no config at all: {"Env": []}, as jq leaves it.
  assert.equal(base.view.config.config.Env.length, 2);
  const bare = await build(['--name', 'bare', '--copyToRoot', fx.refRoot], 'bare');
  assert.deepEqual(bare.view.config.config, { Env: [] });
  assert.equal(bare.report.configDigest, nixpkgsConfigDigest('1970-01-01T00:00:01Z', null, [], bare.view.config.rootfs.diff_ids));
  assert.equal((await dockerRun('bchild:c')).trim(), `shell=${fx.busybox}/bin/sh\nchild`);
  await removeImage('bchild:c');
});

test('a layered image as fromImage: its store paths are not copied again, and the image runs', async () => {
  const base = path.join(tmp, 'layered-base.tar.gz');
  await nixDockerOk(['buildLayeredImage', '--name', 'lbase', '--tag', 'l', '--contents', fx.hello, '--contents', fx.busybox, '--out', base]);
  const child = await build(['--name', 'lchild', '--tag', 'c', '--fromImage', base, '--copyToRoot', fx.helloEnv, '--config', '{"Cmd":["/bin/hello"]}', '--load'], 'lchild');
  const baseView = await readArchive(base);
  assert.deepEqual(child.view.config.rootfs.diff_ids.slice(0, -1), baseView.config.rootfs.diff_ids);
  // hello's closure (busybox, libgreet) is in the base's store layers already.
  assert.deepEqual(names(layerOf(child.view)), ['./', './bin/', './bin/hello']);
  assert.equal((await dockerRun('lchild:c')).trim(), 'Hello, world!');
  await removeImage('lchild:c');

  // Where we depart from nixpkgs on purpose (README, "What is the same as dockerTools"): its
  // recipe (nixpkgs-layer.sh: ls_tar and the closure append of pkgs/build-support/docker/
  // default.nix) lists the store layers' absolute names through `realpath --relative-to=.`,
  // which makes "/nix/store/..." into "/../<...>/nix/store/...", matching nothing; so its
  // layer adds ./nix/ and ./nix/store/ (0555) and hello's closure again, and its diff_id is
  // not ours.
  const unpacked = fs.mkdtempSync(path.join(tmp, 'layered-base-'));
  execFileSync('tar', ['-C', unpacked, '-xzf', base]);
  const [entry] = JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
  const reference = nixpkgsLayer({ baseTars: entry!.Layers.map((l) => path.join(unpacked, l)), items: [fx.helloEnv], closure: closureOf(fx.busybox, fx.libgreet) });
  const theirs = await tarEntries(reference);
  assert.deepEqual(names(theirs).slice(0, 5), ['./', './bin/', './bin/hello', './nix/', './nix/store/']);
  assert.deepEqual(theirs.slice(3, 5).map((e) => e.mode & 0o7777), [0o555, 0o555]);
  for (const p of [fx.busybox, fx.libgreet]) assert.ok(names(theirs).includes(`${p.slice(1)}/`), `nixpkgs adds ${p} again`);
  assert.notEqual(`sha256:${sha256(reference)}`, child.report.layers.at(-1).diffId);
});

test('created = "now" changes only metadata; tag = null is derived from the content', async () => {
  const a = await build(['--name', 'meta', '--copyToRoot', fx.helloEnv], 'meta-a');
  const b = await build(['--name', 'meta', '--copyToRoot', fx.helloEnv], 'meta-b');
  const now = await build(['--name', 'meta', '--copyToRoot', fx.helloEnv, '--created', 'now'], 'meta-now');
  const other = await build(['--name', 'meta', '--copyToRoot', fx.helloEnv, '--config', '{"User":"1000"}'], 'meta-other');
  assert.deepEqual(now.view.config.rootfs.diff_ids, a.view.config.rootfs.diff_ids);
  assert.ok(fs.readFileSync(now.report.layer).equals(fs.readFileSync(a.report.layer)));
  assert.notEqual(now.report.configDigest, a.report.configDigest);
  assert.equal(a.view.config.created, '1970-01-01T00:00:01Z');
  assert.match(now.view.config.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  assert.ok(Math.abs(Date.parse(now.view.config.created) - Date.now()) < 600_000);
  assert.deepEqual(now.view.config.history, [{ created: now.view.config.created }]);
  assert.match(a.report.imageTag, /^[0-9a-z]{32}$/);
  assert.equal(a.report.imageTag, b.report.imageTag);
  assert.notEqual(a.report.imageTag, other.report.imageTag);
  assert.deepEqual(a.view.manifest[0]!.RepoTags, [`meta:${a.report.imageTag}`]);
  assert.equal(a.report.passthru.imageTag, a.report.imageTag);
});

test('a multi-image archive: fromImageName + fromImageTag pick the image; one alone takes the first', async () => {
  await nixDockerOk(['buildImage', '--name', 'multi-a', '--tag', '1', '--copyToRoot', fx.extraRoot, '--load', '--out', path.join(tmp, 'multi-a.tar.gz')]);
  await nixDockerOk(['buildImage', '--name', 'multi-b', '--tag', '2', '--copyToRoot', fx.nested, '--load', '--out', path.join(tmp, 'multi-b.tar.gz')]);
  const multi = path.join(tmp, 'multi.tar');
  await docker('save', '-o', multi, 'multi-a:1', 'multi-b:2');
  const idOf = async (ref: string) => JSON.parse(await docker('image', 'inspect', ref))[0].RootFS.Layers as string[];
  const [layersA, layersB] = [await idOf('multi-a:1'), await idOf('multi-b:2')];
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', multi, 'manifest.json'], { encoding: 'utf8' }));
  const first = manifest[0].RepoTags[0] === 'multi-a:1' ? layersA : layersB;

  const picked = await build(['--name', 'pick', '--fromImage', multi, '--fromImageName', 'multi-b', '--fromImageTag', '2', '--copyToRoot', fx.refRoot], 'pick');
  assert.deepEqual(picked.view.config.rootfs.diff_ids.slice(0, -1), layersB);
  const picked2 = await build(['--name', 'pick', '--fromImage', multi, '--fromImageName', 'multi-a', '--fromImageTag', '1', '--copyToRoot', fx.refRoot], 'pick2');
  assert.deepEqual(picked2.view.config.rootfs.diff_ids.slice(0, -1), layersA);

  const r = await nixDocker(['buildImage', '--name', 'pick', '--fromImage', multi, '--fromImageName', 'multi-b', '--copyToRoot', fx.refRoot, '--out', path.join(tmp, 'pick3.tar'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /fromImageName and fromImageTag select an image only together/);
  assert.deepEqual((await readArchive(path.join(tmp, 'pick3.tar'))).config.rootfs.diff_ids.slice(0, -1), first);

  const dir = fs.mkdtempSync(path.join(tmp, 'pick-bad-'));
  const bad = await nixDocker(['buildImage', '--name', 'pick', '--fromImage', multi, '--fromImageName', 'multi-c', '--fromImageTag', '3', '--out', path.join(dir, 'x.tar')]);
  assert.equal(bad.status, 2, bad.stderr);
  const lines = bad.stderr.trim().split('\n');
  assert.equal(lines.length, 1, bad.stderr);
  assert.match(lines[0]!, /^nix-docker: attribute 'fromImageName': no image multi-c:3 .* it holds: .*multi-a:1/);
  assert.match(lines[0]!, /multi-b:2/);
  assert.deepEqual(fs.readdirSync(dir), []);
  await removeImage('multi-a:1');
  await removeImage('multi-b:2');
});

test('the deprecated contents works as copyToRoot, with a warning; both at once is an error', async () => {
  const out = path.join(tmp, 'contents.tar');
  const r = await nixDockerOk(['buildImage', '--name', 'contents', '--contents', fx.helloEnv, '--compressor', 'none', '--out', out, '--json']);
  assert.match(r.stderr, /contents parameter is deprecated/);
  const withCopy = await build(['--name', 'contents', '--copyToRoot', fx.helloEnv], 'contents-copy');
  assert.deepEqual(r.json().layers.map((l: any) => l.diffId), withCopy.report.layers.map((l: any) => l.diffId));
});

test('uid and gid own the files of the layer (docker run stat)', async () => {
  await nixDockerOk(['buildImage', '--name', 'owned', '--tag', 'x', '--copyToRoot', fx.busybox, '--uid', '1000', '--gid', '100', '--extraCommands', 'mkdir data', '--out', path.join(tmp, 'owned.tar.gz'), '--load']);
  assert.equal((await dockerRun('owned:x', '/bin/stat', '-c', '%u:%g %a', '/data', '/bin/busybox')).trim(), '1000:100 755\n1000:100 555');
  await removeImage('owned:x');
});

test('buildImageWithNixDb: a Nix database of the closure of copyToRoot, and gcroots for its items', async () => {
  const { report, view } = await build(['--name', 'nixdb', '--copyToRoot', fx.helloEnv], 'nixdb-plain');
  assert.ok(!names(layerOf(view)).some((n) => n.includes('var/nix')));
  const out = path.join(tmp, 'nixdb.tar');
  const r = (await nixDockerOk(['buildImageWithNixDb', '--name', 'nixdb', '--copyToRoot', fx.helloEnv, '--compressor', 'none', '--out', out, '--json'])).json();
  assert.equal(r.buildArgs.includeNixDB, true);
  assert.notEqual(r.layers[0].diffId, report.layers[0].diffId);
  const entries = layerOf(await readArchive(out));
  const db = entries.find((e) => e.name === './nix/var/nix/db/db.sqlite');
  assert.ok(db?.data, names(entries).join(' '));
  const file = path.join(tmp, 'db.sqlite');
  fs.writeFileSync(file, db.data);
  const { DatabaseSync } = await import('node:sqlite');
  const rows = new DatabaseSync(file).prepare('SELECT path FROM ValidPaths ORDER BY path').all().map((x: any) => x.path);
  assert.deepEqual(rows, closureOf(fx.helloEnv));
  const root = entries.find((e) => e.name === `./nix/var/nix/gcroots/docker/${path.basename(fx.helloEnv)}`);
  assert.equal(root?.linkname, fx.helloEnv);
  // The gcroot names the env itself, so the env (and what it refers to) is in the image too.
  assert.ok(names(entries).includes(`${fx.helloEnv.slice(1)}/`));
  assert.ok(names(entries).includes(`${fx.hello.slice(1)}/bin/hello`));
});

test('a local directory as copyToRoot is added to the store first, as Nix does with a path', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'rootfs-'));
  fs.mkdirSync(path.join(dir, 'etc'));
  fs.writeFileSync(path.join(dir, 'etc/hostname'), 'local\n');
  const { view } = await build(['--name', 'local', '--copyToRoot', dir], 'local');
  const hostname = layerOf(view).find((e) => e.name === './etc/hostname');
  assert.equal(hostname?.data?.toString(), 'local\n');
  assert.equal(hostname?.mode, 0o444); // the store's canonical mode
});

const badInputs: [string, string[], RegExp][] = [
  ['copyToRoot that is a file', ['--copyToRoot', `${'HELLO'}/bin/hello`], /^nix-docker: attribute 'copyToRoot': .*\/bin\/hello is not a directory/],
  ['missing copyToRoot path', ['--copyToRoot', '/nix/store/00000000000000000000000000000000-missing'], /^nix-docker: attribute 'copyToRoot': .*00000000000000000000000000000000-missing/],
  ['copyToRoot outside the store that does not exist', ['--copyToRoot', '/nonexistent/dir'], /^nix-docker: attribute 'copyToRoot': /],
  ['contents and copyToRoot together', ['--copyToRoot', 'HELLOENV', '--contents', 'HELLOENV'], /^nix-docker: attribute 'contents': cannot be given together with copyToRoot/],
  ['unknown attribute', ['--maxLayers', '3'], /^nix-docker: attribute 'maxLayers': not an attribute of buildImage/],
  ['diskSize of 0', ['--diskSize', '0'], /^nix-docker: attribute 'diskSize': expected an integer >= 1/],
  ['config Env that is not a list', ['--config', '{"Env":"A=1"}'], /^nix-docker: attribute 'config': config\.Env: expected a list of "KEY=value" strings, got "A=1"$/],
  ['missing fromImage', ['--fromImage', '/nonexistent/base.tar'], /^nix-docker: attribute 'fromImage': .*no such file/],
  ['bogus store path in config', ['--config', '{"Cmd":["/nix/store/00000000000000000000000000000000-nope/bin/x"]}'], /^nix-docker: attribute 'config': .*00000000000000000000000000000000-nope/],
  ['compressor xz', ['--compressor', 'xz'], /^nix-docker: attribute 'compressor': expected one of none, gz, zstd/],
  ['created that is not a date', ['--created', 'yesterday'], /^nix-docker: attribute 'created': expected an ISO-8601/],
];
for (const [what, args, re] of badInputs) {
  test(`bad input: ${what} → one line naming it, exit 2, no output file`, async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
    const argv = args.map((a) => a.replace('HELLOENV', fx.helloEnv).replace('HELLO', fx.hello));
    const r = await nixDocker(['buildImage', '--name', 'bad', ...argv], { cwd: dir });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines.at(-1)!, re);
    assert.equal(lines.filter((l) => l.startsWith('nix-docker:')).length, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
}

test('a failing extraCommands fails the build with its exit code; no archive, no layer file', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'fail-'));
  const r = await nixDocker(['buildImage', '--name', 'fail', '--copyToRoot', fx.helloEnv, '--extraCommands', 'echo oops >&2; exit 3', '--out', path.join(dir, 'x.tar.gz')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /extraCommands failed with exit code 3/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('--help lists the buildImage attributes; buildImage is no longer "coming later"', async () => {
  const help = (await nixDockerOk(['buildImage', '--help'])).stdout.toString();
  for (const a of ['copyToRoot', 'keepContentsDirlinks', 'runAsRoot', 'fromImageName', 'fromImageTag', 'diskSize', 'buildVMMemorySize', 'contents']) assert.match(help, new RegExp(`--${a} `));
  const usage = (await nixDockerOk(['--help'])).stdout.toString();
  assert.doesNotMatch(usage, /Coming later:.*buildImage/);
});

test('action: function buildImage builds, loads, sets its outputs, and keeps the layer beside the archive', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'action-'));
  const outputFile = path.join(dir, 'output');
  fs.writeFileSync(outputFile, '');
  const inputs = { function: 'buildImage', name: 'bi-action', tag: 'a1', copyToRoot: fx.helloEnv, config: 'Cmd: [/bin/hello]', load: 'true' };
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: dir };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/main/index.js')], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  const outputs: Record<string, string> = {};
  for (const m of fs.readFileSync(outputFile, 'utf8').matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  assert.equal(outputs.image, 'bi-action:a1');
  assert.equal(outputs.archive, path.join(dir, 'bi-action.tar.gz'));
  const layers = JSON.parse(outputs.layers!);
  assert.equal(layers.length, 1);
  assert.equal(`sha256:${sha256(fs.readFileSync(path.join(dir, 'bi-action-layer.tar')))}`, layers[0].diff_id);
  assert.equal((await dockerRun('bi-action:a1')).trim(), 'Hello, world!');
  await removeImage('bi-action:a1');
});
