// The action where its users run it: the bundles run as the unprivileged user `runner`
// (passwordless sudo, in the docker group, directories under /home/runner/work) against a
// multi-user Nix 2.26 (Debian 13's nix-daemon as root; the runner reaches the store only
// through the daemon socket, with nix-command and flakes enabled as the installer actions
// set them). ./helpers/runnerEnv.ts and test/runner-env/ make those conditions; every
// scenario here goes through them, Nix 2.8 as root stays covered by the rest of the suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Job, runtimeToken, type StepResult } from './helpers/actionRunner.ts';
import { startRunnerEnv, type RunnerEnv } from './helpers/runnerEnv.ts';
import { startRegistry, TEST_USER, type TestRegistry } from './helpers/registry.ts';
import { startCacheServer, type CacheServer } from './helpers/cacheServer.ts';
import { dockerRun, removeImage } from './helpers/docker.ts';
import { readArchive } from './helpers/archive.ts';
import { REPO } from './helpers/cli.ts';

const run = promisify(execFile);
const FIXTURES = path.join(REPO, 'test/fixtures');

let env: RunnerEnv;
let registry: TestRegistry;
let cache: CacheServer;
const jobs: Job[] = [];
const images: string[] = [];

before(async () => {
  [env, registry, cache] = await Promise.all([startRunnerEnv(), startRegistry({ mode: 'basic' }), startCacheServer({ azure: true })]);
});
after(async () => {
  for (const i of images) await removeImage(i).catch(() => {});
  await Promise.all([env?.stop(), registry?.stop(), cache?.stop()]);
  jobs.forEach((j) => j.remove());
});

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);

/** The steps' environment on the runner: its PATH (Nix 2.26 first), no binary cache (no internet). */
function runnerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: env.path, NIX_CONFIG: 'substituters =', DOCKER_HOST: process.env.DOCKER_HOST, ...extra };
}

/**
 * A job as the runner whose workspace is a checkout of a repository holding the fixture
 * flake and Nix files (a git work tree, as actions/checkout leaves it).
 */
async function checkoutJob(opts: { runnerTemp?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Job> {
  const j = new Job({ user: env.user, action: { dir: env.actionDir, node: env.node }, runnerTemp: opts.runnerTemp, env: runnerEnv(opts.env) });
  jobs.push(j);
  fs.copyFileSync(path.join(FIXTURES, 'flake/flake.nix'), path.join(j.workspace, 'flake.nix'));
  for (const f of ['lib.nix', 'nixshell.nix']) fs.copyFileSync(path.join(FIXTURES, 'nix', f), path.join(j.workspace, f));
  // The stand-in for nixpkgs' bash and coreutils in NixShell images, from the root's binaries.
  fs.writeFileSync(path.join(j.workspace, 'pkgs.nix'), 'import ./nixshell.nix { busyboxBin = /usr/bin/busybox; bashBin = /usr/bin/bash-static; }\n');
  j.chown(j.workspace);
  await env.runAs('git', ['-C', j.workspace, 'init', '-q']);
  await env.runAs('git', ['-C', j.workspace, 'add', '.']);
  return j;
}

test('the runner: unprivileged, the store only through the daemon of Nix 2.26 with flakes', async () => {
  assert.match(env.nixVersion, /^nix \(Nix\) 2\.26\./);
  const { stdout: id } = await env.runAs('id', []);
  assert.match(id, /^uid=1001\(runner\) gid=1001\(runner\) groups=.*\(docker\)/);
  await assert.rejects(env.runAs('test', ['-w', '/nix/var/nix/db']), 'the store database is not writable by the runner');
  const info = await env.runAs('nix', ['store', 'info']);
  assert.match(info.stdout + info.stderr, /^Store URL: daemon$/m);
  const { stdout: features } = await env.runAs('nix', ['config', 'show', 'experimental-features']);
  assert.match(features, /\bflakes\b/);
  assert.match(features, /\bnix-command\b/);
  await env.runAs('sudo', ['-n', 'true']);
});

test('as the runner: a flake app (.#app from GITHUB_WORKSPACE) is built by the daemon, loaded and run', async () => {
  const j = await checkoutJob();
  const r = await j.main({ name: 'runner-app', tag: 'r1', contents: '.#app', config: 'Cmd: [/bin/app]', load: 'true' });
  ok(r);
  images.push('runner-app:r1');
  assert.equal(fs.statSync(r.outputs.archive!).uid, env.user.uid, 'the archive is the runner\'s');
  assert.match(await dockerRun('runner-app:r1'), /^Hello from the flake app, as 0$/m);
  const layers = JSON.parse(r.outputs.layers!);
  assert.ok(layers.some((l: any) => l.paths.some((p: string) => p.endsWith('-app-1.0'))), 'the flake\'s app is a layer');
});

test('as the runner: a path: flake pushed with the credentials of ~/.docker/config.json, then pulled back with pullImage', async () => {
  const j = await checkoutJob();
  const docker = path.join(env.user.home, '.docker');
  fs.mkdirSync(docker, { recursive: true });
  const auth = Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString('base64');
  fs.writeFileSync(path.join(docker, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
  j.chown(docker);
  try {
    const ref = `${registry.host}/runner/app`;
    const pushed = await j.main({ name: 'runner-push', tag: 'p1', contents: `path:${j.workspace}#app`, config: 'Cmd: [/bin/app]', push: 'true', tags: `${ref}:p1`, 'tls-verify': 'false' });
    ok(pushed);
    const creds = ['--creds', `${TEST_USER.username}:${TEST_USER.password}`, '--tls-verify=false'];
    const { stdout } = await run('skopeo', ['inspect', ...creds, `docker://${ref}:p1`]);
    assert.equal(JSON.parse(stdout).Digest, pushed.outputs.digest, 'the registry serves the digest the step reported');

    // pullImage of the same image by digest, with the attributes the CLI's prefetch gives
    // the runner (as nix-prefetch-docker would).
    const prefetch = await env.runAs(env.node, [path.join(env.actionDir, 'dist/cli/index.js'), 'prefetch', '--image-name', ref, '--image-tag', 'p1', '--final-image-name', 'runner-pulled', '--final-image-tag', 'p', '--tls-verify', 'false', '--json']);
    const attrs = JSON.parse(prefetch.stdout);
    assert.equal(attrs.imageDigest, pushed.outputs.digest);
    const pulled = await j.main({ function: 'pullImage', imageName: ref, imageDigest: attrs.imageDigest, sha256: attrs.sha256, finalImageName: 'runner-pulled', finalImageTag: 'p', tlsVerify: 'false', load: 'true' });
    ok(pulled);
    images.push('runner-pulled:p');
    assert.match(await dockerRun('runner-pulled:p'), /^Hello from the flake app, as 0$/m);
  } finally {
    fs.rmSync(docker, { recursive: true, force: true });
  }
});

test('as the runner: buildImage with runAsRoot (KVM through sudo, or TCG), qemu as the runner', async () => {
  const rule = '/etc/udev/rules.d/99-kvm4all.rules';
  const hadRule = fs.existsSync(rule);
  const j = await checkoutJob({ env: { RUNNER_ENVIRONMENT: 'github-hosted' } });
  try {
    const r = await j.main({
      function: 'buildImage',
      name: 'runner-rar',
      tag: '1',
      copyToRoot: '.#busybox',
      runAsRoot: 'mkdir -p /data\nid -u > /data/made-by\n',
      config: 'Cmd: [/bin/cat, /data/made-by]',
      load: 'true',
    });
    ok(r);
    images.push('runner-rar:1');
    assert.match(r.stdout, /^::group::KVM for runAsRoot$/m);
    assert.match(r.stdout, /^runAsRoot: done \((kvm|tcg)\)$/m);
    if (process.env.NIX_DOCKER_TEST_VERBOSE) console.log(r.stdout);
    if (!/^KVM: usable/m.test(r.stdout)) {
      const warning = r.annotations.find((a) => a.level === 'warning' && a.properties.title === 'KVM not available');
      assert.ok(warning, `the TCG fallback is announced:\n${r.stdout}`);
      assert.match(r.stdout, /^runAsRoot: done \(tcg\)$/m);
    }
    assert.equal((await dockerRun('runner-rar:1')).trim(), '0', 'runAsRoot ran as root in the VM');
  } finally {
    if (!hadRule) fs.rmSync(rule, { force: true });
  }
});

test('as the runner: streamNixShellImage of a derivation whose inputs the daemon builds', async () => {
  const j = await checkoutJob({ env: { NIX_DOCKER_NIXPKGS: './pkgs.nix' } });
  const r = await j.main({ function: 'streamNixShellImage', drv: './pkgs.nix#greeting', tag: 'shell', run: 'buildDerivation && cat $out/share/greeting', load: 'true' });
  ok(r);
  images.push('greeting-1.0-env:shell');
  const out = await dockerRun('greeting-1.0-env:shell');
  assert.match(out, /from a dependency/);
});

test('as the runner: includeNixDB registers exactly the closure (the daemon\'s database dumped, a local one written)', async () => {
  const j = await checkoutJob();
  const r = await j.main({ name: 'runner-db', tag: 'db', contents: '.#app', includeNixDB: 'true', compressor: 'none' });
  ok(r);
  const view = await readArchive(r.outputs.archive!);
  const db = view.layers.at(-1)!.find((e) => /nix\/var\/nix\/db\/db\.sqlite$/.test(e.name));
  assert.ok(db?.data, 'db.sqlite in the customisation layer');
  const file = path.join(j.dir, 'db.sqlite');
  fs.writeFileSync(file, db.data);
  const { DatabaseSync } = await import('node:sqlite');
  const rows = new DatabaseSync(file).prepare('SELECT path FROM ValidPaths ORDER BY path').all().map((row: any) => row.path);
  const layers = JSON.parse(r.outputs.layers!);
  assert.deepEqual(rows, layers.slice(0, -1).flatMap((l: any) => l.paths).sort());
});

test('as the runner: the layer cache carries layers from one run to the next through the Actions cache', async () => {
  const temp = path.join(env.user.home, 'work', '_temp');
  // The blobs on an Azure host over TLS, as GitHub's: the runner's Node trusts the test CA.
  const cacheEnv = { ...cache.env, ACTIONS_RUNTIME_TOKEN: runtimeToken() };
  const inputs = { name: 'runner-cache', tag: 'c', contents: '.#app', config: 'Cmd: [/bin/app]', 'cache-key-prefix': 'runner' };
  const runs: StepResult[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      // Each run is a fresh runner: an empty RUNNER_TEMP at the hosted runners' path.
      fs.rmSync(temp, { recursive: true, force: true });
      const j = await checkoutJob({ runnerTemp: temp, env: cacheEnv });
      const main = await j.main(inputs);
      ok(main);
      ok(await j.post(inputs));
      runs.push(main);
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  const [cold, warm] = runs.map((r) => JSON.parse(r.outputs.layers!));
  assert.ok(cold.every((l: any) => l.cached === false));
  assert.ok(warm.every((l: any) => l.cached === true), 'every layer came from the cache');
  assert.deepEqual(warm.map((l: any) => l.digest), cold.map((l: any) => l.digest));
  const gets = cache.blobLog.filter((c) => c.op === 'getBlob');
  assert.ok(cache.calls.headBlob > 0 && gets.length > 0 && gets.every((c) => c.range), 'restored through the Azure SDK (HEAD, ranged GETs)');
});
