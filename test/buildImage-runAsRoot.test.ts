// buildImage with runAsRoot: the script runs as root in a real VM (qemu, under KVM or TCG)
// over the base layers; the images it makes run in a real Docker engine.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findBusybox, useOfflineNix } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk, REPO } from './helpers/cli.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { readArchive, type Entry } from './helpers/archive.ts';

const run = promisify(execFile);
useOfflineNix();

let fx: { busybox: string; helloEnv: string };
let tmp: string;
before(async () => {
  const file = path.join(REPO, 'test/fixtures/buildImage/default.nix');
  const { stdout } = await run('nix-build', ['--no-out-link', '--option', 'substituters', '', file, '--arg', 'busyboxBin', findBusybox(), '-A', 'busybox', '-A', 'helloEnv']);
  const [busybox, helloEnv] = stdout.trim().split('\n') as [string, string];
  fx = { busybox, helloEnv };
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-as-root-test-'));
});

async function build(args: string[], name: string) {
  const out = path.join(tmp, `${name}.tar`);
  const report = (await nixDockerOk(['buildImage', '--compressor', 'none', '--out', out, '--json', ...args])).json();
  return { out, report, view: await readArchive(out) };
}

const entry = (entries: Entry[], name: string) => entries.find((e) => e.name === name);

test("the manual's redis-style example: runAsRoot makes /data; WorkingDir and Volumes in the config", async () => {
  const config = { Cmd: ['/bin/hello'], WorkingDir: '/data', Volumes: { '/data': {} } };
  await build(['--name', 'rr-redis', '--tag', 'latest', '--copyToRoot', fx.helloEnv, '--copyToRoot', fx.busybox, '--runAsRoot', 'mkdir -p /data\n', '--config', JSON.stringify(config), '--load'], 'redis');
  const inspect = JSON.parse(await docker('image', 'inspect', 'rr-redis:latest'))[0];
  assert.equal(inspect.Config.WorkingDir, '/data');
  assert.deepEqual(inspect.Config.Volumes, { '/data': {} });
  assert.equal((await dockerRun('rr-redis:latest')).trim(), 'Hello, world!');
  assert.equal((await dockerRun('rr-redis:latest', '/bin/stat', '-c', '%F %u:%g %a', '/data')).trim(), 'directory 0:0 755');
  await removeImage('rr-redis:latest');
});

test('runAsRoot and extraCommands make the same files, as the manual says', async () => {
  const common = ['--copyToRoot', fx.helloEnv, '--config', '{"Cmd":["/bin/hello"],"WorkingDir":"/data"}'];
  const viaRoot = await build(['--name', 'same', ...common, '--runAsRoot', 'mkdir -p /data\necho "some content" > my-file\n'], 'same-root');
  const viaExtra = await build(['--name', 'same', ...common, '--extraCommands', 'mkdir -p data\necho "some content" > my-file\n'], 'same-extra');
  const pick = (entries: Entry[]) =>
    ['./data/', './my-file', './bin/hello'].map((n) => {
      const e = entry(entries, n);
      return e && { name: e.name, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, data: e.data?.toString() };
    });
  const root = pick(viaRoot.view.layers[0]!);
  assert.deepEqual(root, pick(viaExtra.view.layers[0]!));
  assert.equal(root[1]?.data, 'some content\n');
  assert.equal(root[0]?.type, 'directory');
});

test('a user added in runAsRoot owns /data (docker run stat)', async () => {
  // Debian's busybox-static has no adduser applet: the entries are written as adduser would.
  const hasAdduser = execFileSync(findBusybox(), ['--list'], { encoding: 'utf8' }).split('\n').includes('adduser');
  const addUser = hasAdduser
    ? 'addgroup -g 1000 app && adduser -D -u 1000 -G app -h /data app'
    : 'echo "app:x:1000:1000::/data:/bin/sh" >> /etc/passwd; echo "app:x:1000:" >> /etc/group';
  const script = `mkdir -p /etc /data\necho "root:x:0:0::/root:/bin/sh" > /etc/passwd\necho "root:x:0:" > /etc/group\n${addUser}\nchown app:app /data\nchmod 0750 /data\n`;
  await build(['--name', 'rr-user', '--tag', 'x', '--copyToRoot', fx.busybox, '--runAsRoot', script, '--load'], 'user');
  assert.equal((await dockerRun('rr-user:x', '/bin/stat', '-c', '%U:%G %u:%g %a', '/data')).trim(), 'app:app 1000:1000 750');
  await removeImage('rr-user:x');
});

test('the script sees the base layers applied in order, and a file it deletes is gone in the image', async () => {
  const base1 = await build(['--name', 'rr-base1', '--copyToRoot', fx.busybox, '--extraCommands', 'mkdir etc && echo 1 > etc/version && echo doomed > etc/remove-me && echo kept > etc/keep'], 'base1');
  const base2 = await build(['--name', 'rr-base2', '--fromImage', base1.out, '--extraCommands', 'mkdir etc && echo 2 > etc/version'], 'base2');
  assert.equal(base2.view.layers.length, 2);
  const script = 'cat /etc/version > /seen-version\ncat /etc/keep > /seen-keep\nrm /etc/remove-me\n';
  const child = await build(['--name', 'rr-child', '--tag', 'c', '--fromImage', base2.out, '--runAsRoot', script, '--load'], 'child');
  const layer = child.view.layers.at(-1)!;
  assert.equal(entry(layer, './seen-version')?.data?.toString(), '2\n');
  assert.equal(entry(layer, './seen-keep')?.data?.toString(), 'kept\n');
  assert.ok(entry(layer, './etc/.wh.remove-me'), layer.map((e) => e.name).join(' '));
  assert.deepEqual(child.view.config.rootfs.diff_ids.slice(0, 2), base2.view.config.rootfs.diff_ids);
  const out = await dockerRun('rr-child:c', '/bin/sh', '-c', 'cat /etc/version /etc/keep; test -e /etc/remove-me && echo still-there || echo gone');
  assert.equal(out.trim(), '2\nkept\ngone');
  await removeImage('rr-child:c');
});

test("extraCommands runs after runAsRoot, on its result; the files it makes are root's", async () => {
  const { view } = await build(['--name', 'rr-order', '--copyToRoot', fx.busybox, '--runAsRoot', 'mkdir /data && chown 7:7 /data', '--extraCommands', 'test -d data && echo after > data/x'], 'order');
  const layer = view.layers[0]!;
  assert.deepEqual([entry(layer, './data/')?.uid, entry(layer, './data/x')?.uid], [7, 0]);
  assert.equal(entry(layer, './data/x')?.data?.toString(), 'after\n');
});

test('a failing runAsRoot fails the build with its exit code; nothing is written', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'fail-'));
  const r = await nixDocker(['buildImage', '--name', 'rr-fail', '--copyToRoot', fx.busybox, '--runAsRoot', 'echo oops >&2; exit 5', '--out', path.join(dir, 'x.tar.gz')]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /runAsRoot failed with exit code 5/);
  assert.match(r.stderr, /oops/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('bad input: a diskSize too small for the result → one line naming diskSize, exit 2, no output file', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'disk-'));
  const r = await nixDocker(['buildImage', '--name', 'rr-disk', '--copyToRoot', fx.busybox, '--diskSize', '16', '--runAsRoot', 'dd if=/dev/zero of=/big bs=1M count=64'], { cwd: dir });
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.at(-1)!, /^nix-docker: attribute 'diskSize': .*16 MiB.* too small/);
  assert.equal(lines.filter((l) => l.startsWith('nix-docker:')).length, 1, r.stderr);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('bad input: runAsRoot with no way to start a VM → one line saying what is missing, exit 2, before any build', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'novm-'));
  const r = await nixDocker(['buildImage', '--name', 'rr-novm', '--copyToRoot', fx.busybox, '--runAsRoot', 'true'], { cwd: dir, env: { NIX_DOCKER_VM_QEMU: '/nonexistent/qemu-system-x86_64' } });
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^nix-docker: attribute 'runAsRoot': .*qemu/);
  assert.deepEqual(fs.readdirSync(dir), []);
});
