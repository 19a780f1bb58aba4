// The action's side of the layer cache, through the committed bundles and the real
// @actions/cache client against ./helpers/cacheServer.ts: main looks layers up (the
// engine does), post saves what main built (from the backend's journal). A "fresh runner"
// is a new job whose RUNNER_TEMP has the same path (as on hosted runners: entry versions
// cover the cache directory's path) but is empty, with a new workspace.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDockerOk } from './helpers/cli.ts';
import { startCacheServer, type CacheServer } from './helpers/cacheServer.ts';
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
  [server, registry] = await Promise.all([startCacheServer(), startRegistry({ mode: 'http' })]);
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
    env: { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: server.url, ACTIONS_RUNTIME_TOKEN: runtimeToken({ scopes }), GITHUB_SERVER_URL: 'https://github.com' },
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

  const nothing = await warm.post(inputs);
  ok(nothing);
  assert.match(nothing.summary, /Nothing new to save/);
  assert.equal(creates(), 0, 'nothing saved by a run that reused everything');
});

test('a failed save warns and never fails the step (a token without cache write access)', async () => {
  const inputs = { name: 'readonly', contents: fx.hello, 'cache-key-prefix': 'readonly' };
  const j = freshRunner([{ scope: 'refs/heads/main', permission: 1 }]);
  ok(await j.main(inputs));
  const post = await j.post(inputs);
  ok(post);
  const warnings = post.annotations.filter((a) => a.level === 'warning');
  assert.ok(warnings.some((w) => /layer cache: could not save/.test(w.message)), post.stdout);
  assert.match(post.summary, /Could not save: /);
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
