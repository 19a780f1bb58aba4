// The action's side of the layer cache, through the committed bundles and the real
// @actions/cache client against ./helpers/cacheServer.ts: main looks layers up (the
// engine does), post saves what main built (from the backend's journal). A "fresh runner"
// is a new job whose RUNNER_TEMP has the same path but is empty, with a new workspace;
// a job with another RUNNER_TEMP (a `container:` job's /__w/_temp) finds the same entries.
// The service's blobs are on an Azure host over TLS (NODE_EXTRA_CA_CERTS), as GitHub's.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDockerOk } from './helpers/cli.ts';
import { BLOB_HOST, startCacheServer, type CacheServer } from './helpers/cacheServer.ts';
import { startRegistry, skopeoInspect, type TestRegistry } from './helpers/registry.ts';
import { Job, runtimeToken, type StepResult } from './helpers/actionRunner.ts';

useOfflineNix();
let fx: NixFixtures;
let server: CacheServer;
let registry: TestRegistry;
let tmp: string;
const jobs: Job[] = [];

before(async () => {
  fx = await nixFixtures();
  [server, registry] = await Promise.all([startCacheServer({ azure: true }), startRegistry({ mode: 'http' })]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'action-cache-'));
});
after(async () => {
  await Promise.all([server?.stop(), registry?.stop()]);
  jobs.forEach((j) => j.remove());
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => server.resetCounters());

const RUNNER_TEMP = () => path.join(tmp, 'runner-temp');

/** A fresh hosted runner: the same RUNNER_TEMP path, emptied; a new job and workspace. */
function freshRunner(scopes?: { scope: string; permission: number }[]): Job {
  fs.rmSync(RUNNER_TEMP(), { recursive: true, force: true });
  fs.mkdirSync(RUNNER_TEMP(), { recursive: true });
  const j = new Job({
    runnerTemp: RUNNER_TEMP(),
    env: { ...server.env, ACTIONS_RUNTIME_TOKEN: runtimeToken({ scopes }) },
  });
  jobs.push(j);
  return j;
}

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);
const creates = () => server.twirpLog.filter((c) => c.method === 'CreateCacheEntry').length;

test('cold run: main builds, post saves; a fresh runner restores every layer (produced 0) and writes identical archive bytes', async () => {
  const inputs = { name: 'cached-hello', tag: 'c1', contents: `${fx.hello}\n${fx.nested}`, config: 'Cmd: [/bin/hello]', 'cache-key-prefix': 'coldwarm', load: 'true' };
  const cold = freshRunner();
  const first = await cold.main(inputs);
  ok(first);
  const layers1 = JSON.parse(first.outputs.layers!);
  assert.equal(layers1.length, 5);
  assert.ok(layers1.every((l: any) => l.cached === false));
  assert.match(first.stdout, /^Layers: 5 \(0 from the layer cache, 5 produced\)$/m);
  assert.deepEqual(JSON.parse(first.state['layer-cache']!), { dir: path.join(RUNNER_TEMP(), 'nix-docker-cache'), prefix: 'coldwarm', budget: 2 * 1024 ** 3 });
  assert.equal(creates(), 0, 'main saves nothing: post does');
  const archive1 = fs.readFileSync(first.outputs.archive!);

  const save = await cold.post(inputs);
  ok(save);
  assert.match(save.stdout, /^::group::Saving layers to the Actions cache$/m);
  assert.match(save.summary, /Saved \d+ cache entries \(5 layers, /);
  assert.ok(creates() >= 2, 'a bundle and the index');
  assert.deepEqual(save.annotations.filter((a) => a.level !== 'notice'), []);

  server.resetCounters();
  const warm = freshRunner();
  const second = await warm.main(inputs);
  ok(second);
  const layers2 = JSON.parse(second.outputs.layers!);
  assert.ok(layers2.every((l: any) => l.cached === true), 'every layer from the cache');
  assert.deepEqual(layers2.map((l: any) => [l.diff_id, l.digest]), layers1.map((l: any) => [l.diff_id, l.digest]));
  assert.match(second.stdout, /^Layers: 5 \(5 from the layer cache, 0 produced\)$/m);
  assert.match(second.summary, /<h4>Layers: 5 \(5 from the layer cache, 0 produced\)<\/h4>/);
  assert.match(second.summary, /<td>hit<\/td>/);
  assert.match(second.summary, /restored from the layer cache/);
  assert.ok(fs.readFileSync(second.outputs.archive!).equals(archive1), 'identical archive bytes');
  assert.equal(second.outputs['image-id'], first.outputs['image-id']);
  // Restored as on GitHub: the Azure SDK's HEAD, then ranged GETs, from the blob host.
  const blobs = server.blobLog.filter((c) => c.op === 'headBlob' || c.op === 'getBlob');
  assert.ok(blobs.length >= 4 && blobs.every((c) => c.host.startsWith(`${BLOB_HOST}:`)), JSON.stringify(blobs));
  assert.ok(blobs.filter((c) => c.op === 'getBlob').every((c) => /^bytes=\d+-\d+$/.test(c.range ?? '')), JSON.stringify(blobs));
  assert.equal(server.calls.headBlob, server.twirpLog.filter((c) => c.method === 'GetCacheEntryDownloadURL' && c.matched).length, 'a HEAD per entry restored');

  const nothing = await warm.post(inputs);
  ok(nothing);
  assert.match(nothing.summary, /Nothing new to save/);
  assert.equal(creates(), 0, 'nothing saved by a run that reused everything');
});

test("a job with another RUNNER_TEMP (a container: job's) restores every layer a plain job saved", async () => {
  const inputs = { name: 'elsewhere', tag: 'e1', contents: fx.hello, config: 'Cmd: [/bin/hello]', 'cache-key-prefix': 'elsewhere' };
  const env = () => ({ ...server.env, ACTIONS_RUNTIME_TOKEN: runtimeToken() });
  const plain = new Job({ env: env() });
  const container = new Job({ runnerTemp: path.join(tmp, '__w', '_temp'), env: env() });
  jobs.push(plain, container);
  assert.notEqual(path.relative(plain.workspace, plain.runnerTemp), path.relative(container.workspace, container.runnerTemp));

  const first = await plain.main(inputs);
  ok(first);
  assert.match(first.stdout, /^Layers: 4 \(0 from the layer cache, 4 produced\)$/m);
  ok(await plain.post(inputs));
  const saved = server.twirpLog.filter((c) => c.method === 'CreateCacheEntry' && c.status === 200).map((c) => c.key);
  assert.ok(saved.some((k) => k.includes('-bundle-')) && saved.some((k) => k.includes('-index-')), saved.join(' '));

  server.resetCounters();
  const second = await container.main(inputs);
  ok(second);
  assert.match(second.stdout, /^Layers: 4 \(4 from the layer cache, 0 produced\)$/m);
  assert.ok(JSON.parse(second.outputs.layers!).every((l: any) => l.cached === true));
  assert.equal(second.outputs['image-id'], first.outputs['image-id']);
  const lookups = server.twirpLog.filter((c) => c.method === 'GetCacheEntryDownloadURL');
  assert.ok(lookups.length >= 2 && lookups.every((c) => c.matched && saved.includes(c.matched)), JSON.stringify(lookups));
  assert.ok(fs.existsSync(path.join(container.runnerTemp, 'nix-docker-cache', 'index', 'index.json')), 'restored under its own RUNNER_TEMP');
  ok(await container.post(inputs));
  assert.equal(creates(), 0, 'nothing saved again');
});

test('a refused write warns and never fails the step (a token without cache write access: 200 ok: false, "cache write denied")', async () => {
  const inputs = { name: 'readonly', contents: fx.hello, 'cache-key-prefix': 'readonly' };
  const j = freshRunner([{ scope: 'refs/heads/main', permission: 1 }]);
  ok(await j.main(inputs));
  const post = await j.post(inputs);
  ok(post);
  const warnings = post.annotations.filter((a) => a.level === 'warning');
  assert.ok(warnings.length > 0 && warnings.every((w) => /layer cache: could not save .*cache write denied: /.test(w.message)), post.stdout);
  assert.match(post.summary, /Could not save: /);
  // Bundles being saved together are each refused once; none is tried again, no index after.
  const creates = server.twirpLog.filter((c) => c.method === 'CreateCacheEntry');
  assert.ok(creates.every((c) => c.status === 200 && c.key.includes('-bundle-')), JSON.stringify(creates));
  assert.equal(new Set(creates.map((c) => c.key)).size, creates.length, 'no retry');
  assert.equal(warnings.length, creates.length);
  assert.deepEqual(server.entries().filter((e) => e.key.startsWith('readonly-')), []);
});

test('a finalize beyond the repository quota warns and never fails the step; nothing is stored', async () => {
  const inputs = { name: 'quota', contents: `${fx.hello}\n${fx.nested}`, 'cache-key-prefix': 'quota' };
  const j = freshRunner();
  ok(await j.main(inputs));
  server.setQuota(server.usedBytes() + 1);
  try {
    const post = await j.post(inputs);
    ok(post);
    const warnings = post.annotations.filter((a) => a.level === 'warning');
    assert.ok(warnings.some((w) => /layer cache: could not save .*quota is full/.test(w.message)), post.stdout);
    assert.match(post.summary, /Could not save: /);
    const finalizes = server.twirpLog.filter((c) => c.method === 'FinalizeCacheEntryUpload');
    assert.ok(finalizes.length > 0 && finalizes.every((c) => c.status === 429 && c.key.includes('-bundle-')), JSON.stringify(finalizes));
    assert.equal(new Set(finalizes.map((c) => c.key)).size, finalizes.length, 'no retry (not taken for a rate limit)');
    assert.ok(!post.stdout.includes('retrying in'), 'no wait');
    assert.deepEqual(server.entries().filter((e) => e.key.startsWith('quota-')), []);
  } finally {
    server.setQuota(undefined);
  }
});

test('cache: false, or no cache service: nothing looked up, nothing for post', async () => {
  const j = freshRunner();
  const r = await j.main({ name: 'nocache', contents: fx.hello, cache: 'false' });
  ok(r);
  assert.match(r.stdout, /layer cache: off \(cache: false\)/);
  assert.equal(r.state['layer-cache'], undefined);
  assert.equal(server.twirpLog.length, 0);
  ok(await j.post({ cache: 'false' }));
  assert.equal(server.twirpLog.length, 0);
});

test('image built already + push: layers compressed once, cached by diff_id; a fresh runner pushes them by HEAD only', async () => {
  const archive = path.join(tmp, 'streamed.tar');
  await nixDockerOk(['streamLayeredImage', '--name', 'cached-stream', '--tag', 's', '--contents', fx.hello, '--out', archive, '--no-cache']);
  const ref = `${registry.host}/cache/streamed:s`;
  const inputs = { image: archive, push: 'true', tags: ref, 'tls-verify': 'false', 'cache-key-prefix': 'prebuilt' };
  const cold = freshRunner();
  const first = await cold.main(inputs);
  ok(first);
  assert.match(first.stdout, /^Layers: 4 from the archive \(4 compressed here\)$/m);
  ok(await cold.post(inputs));
  assert.equal((await skopeoInspect(ref)).Digest, first.outputs.digest);

  const warm = freshRunner();
  const second = await warm.main(inputs);
  ok(second);
  assert.match(second.stdout, /^Layers: 4 from the archive \(4 compressed forms from the layer cache\)$/m);
  assert.equal(second.outputs.digest, first.outputs.digest);
  const layers = JSON.parse(second.outputs.layers!);
  assert.ok(layers.every((l: any) => l.cached && l.pushed[`${registry.host}/cache/streamed`] === 'skipped'));
});
