// Pushing an archive built elsewhere (the action's `image`, `nix-docker push ARCHIVE REF`)
// never uploads again what the registry has, cache or no cache: each layer's compressed
// digest is known before the push (src/sinks/archiveLayers.ts), so the second push is
// HEAD requests only. A proxy in front of a real registry counts the requests.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDockerOk } from './helpers/cli.ts';
import { startFaultProxy, startRegistry, skopeoInspect, type FaultProxy, type TestRegistry } from './helpers/registry.ts';
import { Job, type StepResult } from './helpers/actionRunner.ts';

useOfflineNix();
let fx: NixFixtures;
let registry: TestRegistry;
let proxy: FaultProxy;
let tmp: string;
let streamed: string;
let gzipped: string;
const jobs: Job[] = [];

before(async () => {
  fx = await nixFixtures();
  registry = await startRegistry({ mode: 'http' });
  proxy = await startFaultProxy(registry.port);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-push-'));
  // streamLayeredImage's plain tar (plain layers), and a gzipped archive (plain layers inside a gzip stream).
  streamed = path.join(tmp, 'streamed.tar');
  gzipped = path.join(tmp, 'built.tar.gz');
  await nixDockerOk(['streamLayeredImage', '--name', 'archive-push', '--tag', 's', '--contents', fx.hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', streamed, '--no-cache']);
  await nixDockerOk(['buildLayeredImage', '--name', 'archive-push-gz', '--tag', 'g', '--contents', fx.hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', gzipped, '--no-cache']);
});
after(async () => {
  await Promise.all([proxy?.stop(), registry?.stop()]);
  jobs.forEach((j) => j.remove());
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => proxy.requests.splice(0));

/** Requests that send blob bytes or open an upload session (POST, PATCH, PUT under blobs/uploads/). */
const uploadRequests = () => proxy.requests.filter((r) => r.path.includes('/blobs/uploads/'));
const blobHeads = () => proxy.requests.filter((r) => r.method === 'HEAD' && /\/blobs\/sha256:/.test(r.path));

test('CLI push ARCHIVE REF without a cache: the second push of the same layers makes no upload request', async () => {
  for (const [archive, compressor] of [[streamed, 'gz'], [gzipped, 'zstd']] as const) {
    const repo = `${proxy.host}/cli-${compressor}/app`;
    const push = (tag: string) => nixDockerOk(['push', archive, `${repo}:${tag}`, '--compressor', compressor, '--tls-verify', 'false', '--no-cache', '--json']);
    const first = (await push('1')).json<any[]>();
    assert.equal(first[0].uploaded, 5, 'four layers and the config'); // fx.hello: 3 store layers + the customisation layer
    assert.ok(uploadRequests().length >= 5);
    proxy.requests.splice(0);

    const second = (await push('2')).json<any[]>();
    assert.deepEqual(uploadRequests().map((r) => `${r.method} ${r.path}`), [], 'nothing uploaded the second time');
    assert.equal(blobHeads().length, 5, 'one HEAD per blob');
    assert.equal(second[0].uploaded, 0);
    assert.equal(second[0].skipped, 5);
    assert.equal(second[0].digest, first[0].digest, 'the same manifest: the same compressed bytes');
    assert.equal((await skopeoInspect(`${registry.host}/cli-${compressor}/app:2`)).Digest, first[0].digest);
  }
});

test('CLI push ARCHIVE REF with the layer cache: the second push compresses nothing and uploads nothing', async () => {
  const cacheDir = fs.mkdtempSync(path.join(tmp, 'cache-'));
  const push = (tag: string) => nixDockerOk(['push', streamed, `${proxy.host}/cli-cached/app:${tag}`, '--tls-verify', 'false', '--cache-dir', cacheDir, '--json']);
  const first = await push('1');
  assert.match(first.stderr, /^Compressed 4 layers /m);
  proxy.requests.splice(0);
  const second = await push('2');
  assert.doesNotMatch(second.stderr, /Compressed/, 'every layer from the cache');
  assert.deepEqual(uploadRequests(), []);
  assert.equal(second.json<any[]>()[0].digest, first.json<any[]>()[0].digest);
});

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);

test('action image: + push with cache: false: the second run makes no upload request; layers report their compressed digests', async () => {
  const ref = `${proxy.host}/action/app:s`;
  const inputs = { image: streamed, push: 'true', tags: ref, 'tls-verify': 'false', cache: 'false' };
  const run = async () => {
    const j = new Job();
    jobs.push(j);
    const r = await j.main(inputs);
    ok(r);
    return r;
  };
  const first = await run();
  assert.ok(uploadRequests().length >= 5);
  proxy.requests.splice(0);

  const second = await run();
  assert.deepEqual(uploadRequests().map((r) => `${r.method} ${r.path}`), [], 'nothing uploaded the second time');
  assert.equal(blobHeads().length, 5, 'one HEAD per blob');
  assert.equal(second.outputs.digest, first.outputs.digest);
  const layers = JSON.parse(second.outputs.layers!);
  assert.equal(layers.length, 4);
  for (const l of layers) {
    assert.match(l.digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok(l.compressed_size > 0, 'compressed size known');
    assert.equal(l.pushed[`${proxy.host}/action/app`], 'skipped');
  }
  const pulled = await skopeoInspect(`${registry.host}/action/app:s`);
  assert.equal(pulled.Digest, first.outputs.digest);
  assert.equal(pulled.Layers.length, 4);
});
