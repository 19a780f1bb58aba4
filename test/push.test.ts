// --push: images straight from the engine into a real registry, read back by skopeo and
// pulled by Docker; the layer cache makes a second push cost HEAD requests only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk } from './helpers/cli.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { startRegistry, skopeoInspect, skopeoRaw, TEST_USER, type TestRegistry } from './helpers/registry.ts';
import { readArchive } from './helpers/archive.ts';

useOfflineNix();
let fx: NixFixtures;
let plain: TestRegistry;
let basic: TestRegistry;
let tmp: string;
before(async () => {
  fx = await nixFixtures();
  [plain, basic] = await Promise.all([startRegistry({ mode: 'http' }), startRegistry({ mode: 'basic' })]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'push-test-'));
});
after(async () => {
  await Promise.all([plain?.stop(), basic?.stop()]);
});

const helloConfig = JSON.stringify({ Cmd: ['/bin/hello'] });

test('build --push: skopeo sees the digest we report, docker pulls and runs it; a second push uploads nothing', async () => {
  const cacheDir = fs.mkdtempSync(path.join(tmp, 'cache-'));
  const ref = `${plain.host}/e2e/hello:v1`;
  const args = ['buildLayeredImage', '--name', 'hello', '--tag', 'v1', '--contents', fx.hello, '--config', helloConfig, '--push', ref, '--push', `${plain.host}/e2e/hello:latest`, '--tls-verify', 'false', '--cache-dir', cacheDir, '--json'];
  const first = (await nixDockerOk([...args, '--out', path.join(tmp, 'p1.tar.gz')])).json();
  assert.equal(first.pushed.length, 2);
  const pushed = first.pushed[0];
  assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(pushed.uploaded, 5); // 4 layers + config
  const raw = await skopeoRaw(ref);
  assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, pushed.digest);
  const inspected = await skopeoInspect(`${plain.host}/e2e/hello:latest`);
  assert.equal(inspected.Digest, pushed.digest);
  // The pushed layers are the layers of the archive, compressed once: same digests.
  assert.deepEqual(JSON.parse(raw.toString()).layers.map((l: any) => l.digest), first.layers.map((l: any) => l.digest));
  assert.equal(JSON.parse(raw.toString()).config.digest, first.configDigest);

  await docker('pull', ref);
  assert.match(await dockerRun(ref), /Hello, world!/);
  await removeImage(ref);

  // Again, in a fresh work dir, push only: every layer comes from the cache, the registry has it.
  const second = (await nixDockerOk(args, { cwd: fs.mkdtempSync(path.join(tmp, 'again-')) })).json();
  assert.equal(second.pushed[0].digest, pushed.digest);
  assert.equal(second.pushed[0].uploaded, 0);
  assert.equal(second.produced, 0);
  assert.ok(second.layers.every((l: any) => l.cached));
});

test('push without a cache or archive streams layers (chunked) and still matches a build of the same image', async () => {
  const ref = `${plain.host}/e2e/nocache:1`;
  const r = (await nixDockerOk(['streamLayeredImage', '--name', 'nocache', '--tag', '1', '--contents', fx.hello, '--compressor', 'gz', '--push', ref, '--tls-verify=false', '--no-cache', '--json'])).json();
  assert.equal(r.archive, null);
  assert.equal((await skopeoInspect(ref)).Digest, r.pushed[0].digest);
  const out = path.join(tmp, 'nocache.tar.gz');
  const built = (await nixDockerOk(['buildLayeredImage', '--name', 'nocache', '--tag', '1', '--contents', fx.hello, '--out', out, '--no-cache', '--json'])).json();
  assert.equal(built.configDigest, r.configDigest);
});

test('zstd pushes an OCI manifest; --format oci forces one for gzip', async () => {
  const zref = `${plain.host}/e2e/zstd:1`;
  const z = (await nixDockerOk(['buildLayeredImage', '--name', 'z', '--contents', fx.hello, '--compressor', 'zstd', '--out', path.join(tmp, 'z.tar.zst'), '--push', zref, '--tls-verify=false', '--json'])).json();
  const zm = JSON.parse((await skopeoRaw(zref)).toString());
  assert.equal(zm.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.ok(zm.layers.every((l: any) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd'));
  assert.equal(z.pushed[0].digest, (await skopeoInspect(zref)).Digest);
  const oref = `${plain.host}/e2e/oci:1`;
  await nixDockerOk(['buildLayeredImage', '--name', 'o', '--contents', fx.hello, '--out', path.join(tmp, 'o.tar.gz'), '--push', oref, '--tls-verify=false', '--format', 'oci']);
  assert.equal(JSON.parse((await skopeoRaw(oref)).toString()).mediaType, 'application/vnd.oci.image.manifest.v1+json');
});

test('credentials: --registry-username with the password on stdin; a wrong password fails without printing it', async () => {
  const ref = `${basic.host}/e2e/private:1`;
  const args = ['buildLayeredImage', '--name', 'p', '--contents', fx.hello, '--out', path.join(tmp, 'priv.tar.gz'), '--push', ref, '--tls-verify=false', '--registry-username', TEST_USER.username, '--registry-password-stdin', '--json'];
  const ok = (await nixDockerOk(args, { stdin: Buffer.from(`${TEST_USER.password}\n`) })).json();
  assert.equal((await skopeoInspect(ref, { creds: TEST_USER })).Digest, ok.pushed[0].digest);
  const bad = await nixDocker(args, { stdin: Buffer.from('wrong-password-123\n') });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /401|unauthori[sz]ed|denied/i);
  assert.ok(!bad.stderr.includes('wrong-password-123'));
});

test('a bad --push reference fails before anything is built, naming it', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'badref-'));
  const r = await nixDocker(['buildLayeredImage', '--name', 'x', '--contents', fx.hello, '--push', 'UPPER/Case:tag', '--out', path.join(dir, 'x.tar.gz')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^nix-docker: attribute '--push': .*UPPER\/Case:tag/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('the archive written alongside a push is the same image (diff_ids, config)', async () => {
  const out = path.join(tmp, 'same.tar');
  const ref = `${plain.host}/e2e/same:1`;
  const r = (await nixDockerOk(['buildLayeredImage', '--name', 'same', '--contents', fx.hello, '--compressor', 'none', '--out', out, '--push', ref, '--tls-verify=false', '--json'])).json();
  const view = await readArchive(out);
  const inspected = await skopeoInspect(ref);
  assert.deepEqual(inspected.Layers, view.config.rootfs.diff_ids); // uncompressed layers: digest = diff_id
  assert.equal(r.pushed[0].digest, inspected.Digest);
});

test('push ARCHIVE REF: an existing archive keeps its image id; manifest combines platform images into one index', async () => {
  const out = path.join(tmp, 'arch.tar');
  const built = (await nixDockerOk(['buildLayeredImage', '--name', 'arch', '--contents', fx.hello, '--compressor', 'none', '--out', out, '--json'])).json();
  const amd = `${plain.host}/e2e/multi:amd64`;
  const r = (await nixDockerOk(['push', out, amd, '--tls-verify=false', '--json'])).json();
  assert.equal(r[0].configDigest, built.configDigest);
  assert.equal((await skopeoInspect(amd)).Digest, r[0].digest);
  // A second "platform": the same contents built for arm64 (only the config differs).
  const armOut = path.join(tmp, 'arm.tar');
  await nixDockerOk(['buildLayeredImage', '--name', 'arch', '--architecture', 'arm64', '--contents', fx.hello, '--compressor', 'none', '--out', armOut]);
  const arm = `${plain.host}/e2e/multi:arm64`;
  await nixDockerOk(['push', armOut, arm, '--tls-verify=false']);
  const idx = `${plain.host}/e2e/multi:latest`;
  const index = (await nixDockerOk(['manifest', idx, '--platform-image', amd, '--platform-image', arm, '--tls-verify=false', '--json'])).json();
  const raw = JSON.parse((await skopeoRaw(idx)).toString());
  assert.equal(raw.manifests.length, 2);
  assert.deepEqual(raw.manifests.map((m: any) => m.platform.architecture).sort(), ['amd64', 'arm64']);
  assert.equal(index.digest, `sha256:${createHash('sha256').update(await skopeoRaw(idx)).digest('hex')}`);
  assert.equal((await skopeoInspect(idx, { overrideArch: 'arm64' })).Architecture, 'arm64');
});

test('CLI: prefetch prints what pullImage needs; pullImage reproduces it and the archive loads', async () => {
  const ref = `${plain.host}/e2e/topull`;
  await nixDockerOk(['buildLayeredImage', '--name', 'topull', '--tag', 'v3', '--contents', fx.hello, '--config', helloConfig, '--out', path.join(tmp, 'topull.tar.gz'), '--push', `${ref}:v3`, '--tls-verify=false']);
  const pre = (await nixDockerOk(['prefetch', '--image-name', ref, '--image-tag', 'v3', '--tls-verify', 'false', '--json'])).json();
  assert.match(pre.imageDigest, /^sha256:/);
  const out = path.join(tmp, 'pulled.tar');
  const pulled = (await nixDockerOk(['pullImage', '--imageName', ref, '--imageDigest', pre.imageDigest, '--sha256', pre.sha256, '--finalImageTag', 'v3', '--tlsVerify', 'false', '--out', out, '--load', '--json'])).json();
  assert.equal(pulled.archive, out);
  assert.match(await dockerRun(`${ref}:v3`), /Hello, world!/);
  await removeImage(`${ref}:v3`);
  const wrong = await nixDocker(['pullImage', '--imageName', ref, '--imageDigest', pre.imageDigest, '--sha256', '0'.repeat(52), '--tlsVerify', 'false', '--out', path.join(tmp, 'wrong.tar')]);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr.trim().split('\n').pop()!, /^nix-docker: attribute 'sha256': hash mismatch/);
  assert.ok(!fs.existsSync(path.join(tmp, 'wrong.tar')));
  // --help: an empty sha256 shows the right one (SRI, as Nix shows a fixed-output hash of ""):
  // the hash of the archive pulled above (same attributes).
  const sri = `sha256-${createHash('sha256').update(fs.readFileSync(out)).digest('base64')}`;
  for (const flag of [['--sha256', ''], ['--sha256=']]) {
    const empty = await nixDocker(['pullImage', '--imageName', ref, '--imageDigest', pre.imageDigest, ...flag, '--finalImageTag', 'v3', '--tlsVerify', 'false', '--out', path.join(tmp, 'empty.tar')]);
    assert.equal(empty.status, 2, empty.stderr);
    assert.equal(empty.stderr.trim().split('\n').pop(), `nix-docker: attribute 'sha256': hash mismatch for ${ref}@${pre.imageDigest}: specified "", got ${sri} (no output written)`);
    assert.ok(!fs.existsSync(path.join(tmp, 'empty.tar')));
  }
});

test('push only (no archive): layers compressed on the way are cached, so the same push again uploads nothing', async () => {
  const cacheDir = fs.mkdtempSync(path.join(tmp, 'pushcache-'));
  const ref = `${plain.host}/e2e/pushonly:1`;
  const args = ['buildLayeredImage', '--name', 'pushonly', '--contents', fx.hello, '--push', ref, '--tls-verify=false', '--cache-dir', cacheDir, '--json'];
  const first = (await nixDockerOk(args)).json();
  assert.equal(first.archive, null);
  assert.equal(first.pushed[0].uploaded, 5);
  assert.equal(first.cache.puts, 4);
  const second = (await nixDockerOk(args)).json();
  assert.equal(second.pushed[0].uploaded, 0);
  assert.equal(second.pushed[0].digest, first.pushed[0].digest);
  assert.equal(second.produced, 0);
});
