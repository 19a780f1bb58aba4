// The Actions cache backend with the real @actions/cache client (v2 protocol) against
// the local cache service in ./helpers/cacheServer.ts, its blobs on an Azure host over
// TLS as GitHub's are (so the client downloads through the Azure SDK). A "run" is a new backend instance
// over an empty cache directory under a RUNNER_TEMP of its own (entries do not depend on
// where RUNNER_TEMP is) and a new GITHUB_WORKSPACE: what a fresh runner has.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, beforeEach, test } from 'node:test';
import { actionsCache, type ActionsCacheOptions } from '../src/cache/actions/index.ts';
import type { CacheEvent, LayerCache, LayerPut } from '../src/cache/index.ts';
import type { Logger } from '../src/util/log.ts';
import { BLOB_HOST, flipByte, rewriteArchive, startCacheServer, useCacheEnv, type CacheScope, type CacheServer } from './helpers/cacheServer.ts';

let server: CacheServer;
let tmp: string;
let runs = 0;
let restoreEnv: (() => void) | undefined;

before(async () => {
  server = await startCacheServer({ azure: true });
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'nix-docker-cache-actions-'));
});
after(async () => {
  restoreEnv?.();
  await server?.stop();
  await fsp.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  server.resetCounters();
  server.clearFaults();
});

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Layer {
  key: string;
  put: LayerPut;
  bytes: Buffer;
}

/** A gzip layer blob of about `size` bytes (random, so compression keeps the size). */
async function layer(name: string, size = 2048): Promise<Layer> {
  const raw = randomBytes(size);
  const bytes = gzipSync(raw, { level: 1 });
  const blobPath = path.join(tmp, `blob-${name}-${randomBytes(4).toString('hex')}`);
  await fsp.writeFile(blobPath, bytes);
  return {
    key: createHash('sha256').update(`layer ${name}`).digest('hex'),
    bytes,
    put: { blobPath, diffId: sha256(raw), digest: sha256(bytes), size: raw.length, compressedSize: bytes.length, compressor: 'gz' },
  };
}

interface Run {
  cache: LayerCache;
  events: CacheEvent[];
  warnings: string[];
  dir: string;
}

let cacheDir = '';

/** A fresh runner: a RUNNER_TEMP of its own (a different path each time), a new workspace. */
async function run(opts: Partial<ActionsCacheOptions> & { prefix: string; scopes?: CacheScope[] }): Promise<Run> {
  restoreEnv?.();
  const workspace = path.join(tmp, `runner-${++runs}`, 'work', 'app', 'app');
  const runnerTemp = path.join(tmp, `runner-${runs}`, runs % 2 ? 'temp' : '_temp');
  cacheDir = path.join(runnerTemp, 'nix-docker-cache');
  await fsp.mkdir(workspace, { recursive: true });
  await fsp.mkdir(runnerTemp, { recursive: true });
  restoreEnv = useCacheEnv(server, { workspace, runnerTemp, ...(opts.scopes ? { scopes: opts.scopes } : {}) });
  return instance(opts);
}

/** Another backend over the same directory (the post step of the same job). */
function instance(opts: Partial<ActionsCacheOptions> & { prefix: string }): Run {
  const events: CacheEvent[] = [];
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, debug: () => {}, warn: (m) => warnings.push(m), group: (_t, fn) => fn() };
  const cache = actionsCache({ dir: cacheDir, log, onEvent: (e) => events.push(e), retry: { baseDelayMs: 20 }, ...opts });
  return { cache, events, warnings, dir: cacheDir };
}

/** What an engine does: look up, build (put) what missed, save. */
async function build(r: Run, layers: Layer[]): Promise<{ hits: string[]; built: string[] }> {
  const found = await r.cache.lookup(layers.map((l) => l.key));
  const built: string[] = [];
  for (const l of layers) {
    const hit = found.get(l.key);
    if (hit) {
      assert.deepEqual(await fsp.readFile(hit.blobPath), l.bytes, 'a cached blob is byte-identical to the one built');
      assert.equal(hit.digest, l.put.digest);
      assert.equal(hit.diffId, l.put.diffId);
      continue;
    }
    built.push(l.key);
    await r.cache.put(l.key, l.put);
  }
  return { hits: [...found.keys()], built };
}

const creates = () => server.twirpLog.filter((c) => c.method === 'CreateCacheEntry');

test('cold build saves a few entries; a fresh runner restores every layer byte for byte and saves nothing', async () => {
  const layers = await Promise.all(['a', 'b', 'c', 'd'].map((n) => layer(n)));
  const cold = await run({ prefix: 'coldwarm' });
  const first = await build(cold, layers);
  assert.deepEqual(first.hits, []);
  assert.equal(first.built.length, 4);
  const report = await cold.cache.flush();
  assert.equal(report.failed.length, 0, JSON.stringify(report.failed));
  assert.match(report.index ?? '', new RegExp(`^coldwarm-${process.platform}-${process.arch}-layers-v1-index-`));
  assert.equal(report.saved.length, 2, 'one bundle of small layers + the index');
  assert.equal(cold.cache.stats().misses, 4);
  assert.equal(cold.cache.stats().entriesSaved, 2);

  server.resetCounters();
  const warm = await run({ prefix: 'coldwarm' });
  const second = await build(warm, layers);
  assert.deepEqual(second.built, [], 'no layer is built again');
  assert.equal(second.hits.length, 4);
  assert.deepEqual(warm.events.filter((e) => e.type === 'put'), []);
  const stats = warm.cache.stats();
  assert.equal(stats.hits, 4);
  assert.equal(stats.misses, 0);
  assert.equal(stats.entriesRestored, 2);
  const again = await warm.cache.flush();
  assert.deepEqual(again.saved, []);
  assert.equal(server.calls.CreateCacheEntry, 0, 'nothing saved by a build that reused everything');
  assert.equal(server.calls.GetCacheEntryDownloadURL, 2, 'index + one bundle, nothing else');
});

test('20 tiny layers make one bundle entry; medium ones share, large ones go alone', async () => {
  const tiny = await Promise.all(Array.from({ length: 20 }, (_, i) => layer(`tiny-${i}`, 512)));
  const r = await run({ prefix: 'grouping' });
  await build(r, tiny);
  const report = await r.cache.flush();
  assert.equal(creates().length, 2, 'one bundle + one index, not 20 entries');
  assert.equal(report.saved[0]!.layers.length, 20);

  // bundleTarget 8 MiB: under 1 MiB small, 1–2 MiB medium (packed), 2 MiB and up large.
  const medium = await Promise.all([0, 1, 2].map((i) => layer(`medium-${i}`, 1.2 * 2 ** 20)));
  const large = await Promise.all([0, 1].map((i) => layer(`large-${i}`, 3 * 2 ** 20)));
  server.resetCounters();
  const mixed = await run({ prefix: 'grouping-mixed', bundleTarget: 8 << 20 });
  await build(mixed, [...tiny.slice(0, 5), ...medium, ...large]);
  const report2 = await mixed.cache.flush();
  const sizes = report2.saved.filter((s) => s.layers.length).map((s) => s.layers.length).sort();
  assert.deepEqual(sizes, [1, 1, 3, 5], 'small bundle, medium bundle, one per large layer');
});

test('a second flush, and a job that built the same layers, save nothing twice', async () => {
  const layers = await Promise.all(['x', 'y'].map((n) => layer(`dup-${n}`)));
  const a = await run({ prefix: 'dupes' });
  await build(a, layers);
  const first = await a.cache.flush();
  assert.equal(first.saved.length, 2);
  server.resetCounters();
  const second = await a.cache.flush();
  assert.deepEqual(second, { saved: [], skipped: [], failed: [], evicted: [], bytesSaved: 0 });
  assert.equal(server.twirpLog.length, 0, 'nothing new: not even a lookup');

  // A job whose index is gone (evicted) builds the same layers: the bundle entry exists,
  // it is found by a lookup before any tar work and not created again.
  server.evict(first.index!);
  server.resetCounters();
  const b = await run({ prefix: 'dupes' });
  assert.deepEqual((await build(b, layers)).hits, []);
  const third = await b.cache.flush();
  assert.deepEqual(third.skipped.map((s) => s.reason), ['exists']);
  assert.equal(third.saved.length, 1, 'only a new index');
  assert.deepEqual(creates().map((c) => c.status), [200], 'no CreateCacheEntry refused as a duplicate');
  assert.ok(creates()[0]!.key.includes('-index-'));

  const c = await run({ prefix: 'dupes' });
  assert.equal((await build(c, layers)).hits.length, 2, 'the new index points at the existing bundle');
});

test('a blob corrupted inside its entry is discarded with a warning and rebuilt; then restored', async () => {
  const layers = await Promise.all(['p', 'q', 'r'].map((n) => layer(`corrupt-${n}`)));
  const a = await run({ prefix: 'corrupt' });
  await build(a, layers);
  const saved = await a.cache.flush();
  const bundle = saved.saved.find((s) => s.layers.length)!.entry;
  const victim = layers[1]!;
  await server.mutate(bundle, (archive) =>
    rewriteArchive(archive, (name, data) => (name.endsWith(victim.put.digest.slice(7)) ? flipByte(data) : undefined)),
  );

  const b = await run({ prefix: 'corrupt' });
  const got = await build(b, layers);
  assert.deepEqual(got.built, [victim.key], 'only the corrupt layer is rebuilt');
  assert.equal(got.hits.length, 2);
  assert.equal(b.cache.stats().corrupt, 1);
  assert.ok(b.events.some((e) => e.type === 'miss' && e.key === victim.key && e.reason === 'corrupt'));
  assert.equal(b.warnings.length, 1);
  assert.match(b.warnings[0]!, /discarding the cached blob .*\(digest sha256:[0-9a-f]+, expected/);
  const healed = await b.cache.flush();
  assert.deepEqual(healed.saved.filter((s) => s.layers.length).map((s) => s.layers), [[victim.key]]);

  const c = await run({ prefix: 'corrupt' });
  assert.deepEqual((await build(c, layers)).built, []);
  assert.equal(c.warnings.length, 0);
});

test('a truncated blob inside its entry, and an entry the client cannot unpack, are misses', async () => {
  const layers = await Promise.all(['s', 't'].map((n) => layer(`trunc-${n}`)));
  const a = await run({ prefix: 'trunc' });
  await build(a, layers);
  const bundle = (await a.cache.flush()).saved.find((s) => s.layers.length)!.entry;
  await server.mutate(bundle, (archive) => rewriteArchive(archive, (name, data) => (name.endsWith(layers[0]!.put.digest.slice(7)) ? data.subarray(0, 100) : undefined)));
  const b = await run({ prefix: 'trunc' });
  assert.deepEqual((await build(b, layers)).built, [layers[0]!.key]);
  assert.match(b.warnings.join('\n'), /truncated or padded: 100 bytes, expected \d+/);
  await b.cache.flush();

  // Now break a whole entry: the archive of the newest bundle is cut in half.
  const c = await run({ prefix: 'trunc' });
  const index = await c.cache.lookup([layers[0]!.key]);
  assert.equal(index.size, 1);
  const healedBundle = server.entries().filter((e) => e.key.includes('trunc-') && e.key.includes('-bundle-')).sort((x, y) => y.seq - x.seq)[0]!;
  await server.mutate(healedBundle.key, (archive) => archive.subarray(0, Math.floor(archive.length / 2)));
  const d = await run({ prefix: 'trunc' });
  const got = await build(d, layers);
  assert.deepEqual(got.built, [layers[0]!.key]);
  assert.ok(d.events.some((e) => e.type === 'miss' && e.reason === 'unavailable'));
  assert.match(d.warnings.join('\n'), /unusable \(could not restore it/);
  const healed = await d.cache.flush();
  const newBundle = healed.saved.find((s) => s.layers.length)!;
  assert.notEqual(newBundle.entry, healedBundle.key, 'a broken entry is not taken for the new one: the bundle gets another key');
  assert.equal(healed.skipped.length, 0);
  const e = await run({ prefix: 'trunc' });
  assert.deepEqual((await build(e, layers)).built, []);
});

test('429 from the service is waited out (Retry-After) and retried, on restore and on save', async () => {
  const layers = await Promise.all(['m', 'n'].map((n) => layer(`limit-${n}`)));
  const a = await run({ prefix: 'ratelimit' });
  await build(a, layers);
  server.failNext('CreateCacheEntry', { status: 429, retryAfter: 1 });
  const saved = await a.cache.flush();
  assert.equal(saved.failed.length, 0, JSON.stringify(saved.failed));
  assert.equal(saved.saved.length, 2);
  const retry = a.events.find((e) => e.type === 'retry');
  assert.deepEqual(retry, { type: 'retry', operation: `save ${saved.saved[0]!.entry}`, attempt: 1, delayMs: 1000, reason: 'rate-limited' });
  assert.deepEqual(creates().map((c) => c.status), [429, 200, 200]);

  server.resetCounters();
  server.failNext('GetCacheEntryDownloadURL', { status: 429, retryAfter: 1 });
  const b = await run({ prefix: 'ratelimit' });
  assert.equal((await build(b, layers)).hits.length, 2);
  assert.equal(b.cache.stats().retries, 1);
  assert.deepEqual(server.twirpLog.map((c) => c.status), [429, 200, 200]);

  // Without Retry-After the backoff is ours (baseDelayMs 20 here).
  server.failNext('GetCacheEntryDownloadURL', { status: 429 });
  const b2 = await run({ prefix: 'ratelimit' });
  assert.equal((await build(b2, layers)).hits.length, 2);
  assert.deepEqual(b2.events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.delayMs), [20]);

  // A reset later than maxDelayMs is not waited for.
  const c = await run({ prefix: 'ratelimit-long', retry: { maxDelayMs: 500, baseDelayMs: 20 } });
  await build(c, layers);
  server.failNext('CreateCacheEntry', { status: 429, retryAfter: 3600, times: 10 });
  const given = await c.cache.flush();
  assert.match(given.failed[0]?.reason ?? '', /rate limited for 3600 s/);
  assert.equal(c.events.filter((e) => e.type === 'retry').length, 0);
});

test('the budget keeps the most recently used bundles; old ones age out', async () => {
  const kib = 600 * 1024;
  const [l1, l2, l3] = await Promise.all([1, 2, 3].map((i) => layer(`budget-${i}`, kib)));
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  const opts = (hours: number) => ({ prefix: 'budget', budget: 1.5 * 2 ** 20, bundleTarget: 1 << 20, now: () => new Date(t0 + hours * 3600e3) });

  const r1 = await run(opts(0));
  await build(r1, [l1!]);
  await r1.cache.flush();
  const r2 = await run(opts(1));
  await build(r2, [l2!]);
  assert.deepEqual((await r2.cache.flush()).evicted, []);
  const r3 = await run(opts(2));
  const got3 = await build(r3, [l2!, l3!]);
  assert.deepEqual(got3.hits, [l2!.key]);
  const report3 = await r3.cache.flush();
  assert.deepEqual(report3.evicted, [l1!.key], 'l1 was used least recently');
  assert.ok(r3.events.some((e) => e.type === 'evict' && e.key === l1!.key && e.reason === 'budget'));

  const r4 = await run(opts(3));
  const got4 = await build(r4, [l1!, l2!, l3!]);
  assert.deepEqual(got4.built, [l1!.key]);
  assert.equal(got4.hits.length, 2);
  // All three were used now; at equal times, bundles already stored are kept first: the
  // rebuilt l1 does not fit beside l2 and l3 and is not saved.
  const report4 = await r4.cache.flush();
  assert.deepEqual(report4.evicted, [l1!.key]);
  assert.deepEqual(report4.saved, []);

  // Eight days later, nothing used since: every bundle ages out of the next index.
  const [l9] = await Promise.all([layer('budget-9', 1024)]);
  const r5 = await run({ ...opts(3 + 8 * 24), budget: 2 ** 30 });
  await build(r5, [l9!]);
  const report5 = await r5.cache.flush();
  assert.equal(report5.evicted.length, 2);
  assert.ok(r5.events.filter((e) => e.type === 'evict').every((e) => e.type === 'evict' && e.reason === 'age'));
  const r6 = await run({ ...opts(3 + 8 * 24), budget: 2 ** 30 });
  assert.deepEqual([...(await r6.cache.lookup([l1!.key, l2!.key, l3!.key, l9!.key])).keys()], [l9!.key]);
});

test('a new layer larger than the budget is not saved', async () => {
  const big = await layer('too-big', 300 * 1024);
  const r = await run({ prefix: 'over-budget', budget: 100 * 1024 });
  await build(r, [big]);
  const report = await r.cache.flush();
  assert.deepEqual(report.evicted, [big.key]);
  assert.deepEqual(report.saved, []);
  assert.equal(server.calls.CreateCacheEntry, 0);
});

test('a branch restores what the default branch saved; its own saves stay in its scope', async () => {
  const main: CacheScope[] = [{ scope: 'refs/heads/main', permission: 3 }];
  const feature: CacheScope[] = [
    { scope: 'refs/heads/feature', permission: 3 },
    { scope: 'refs/heads/main', permission: 1 },
  ];
  const [base, extra] = await Promise.all([layer('branch-base'), layer('branch-extra')]);
  const m = await run({ prefix: 'branches', scopes: main });
  await build(m, [base!]);
  await m.cache.flush();

  const f = await run({ prefix: 'branches', scopes: feature });
  const got = await build(f, [base!, extra!]);
  assert.deepEqual(got.hits, [base!.key], "the default branch's layer is found from the branch");
  const report = await f.cache.flush();
  const mine = server.entries().filter((e) => report.saved.some((s) => s.entry === e.key));
  assert.deepEqual([...new Set(mine.map((e) => e.scope))], ['refs/heads/feature']);

  const f2 = await run({ prefix: 'branches', scopes: feature });
  assert.equal((await build(f2, [base!, extra!])).hits.length, 2, "the branch's index lists both");
  const m2 = await run({ prefix: 'branches', scopes: main });
  assert.deepEqual((await build(m2, [base!, extra!])).hits, [base!.key], "the default branch does not see the branch's entries");
});

test('the post step saves what the main step put (state kept on disk)', async () => {
  const layers = await Promise.all(['u', 'v'].map((n) => layer(`post-${n}`)));
  const main = await run({ prefix: 'poststep' });
  await build(main, layers);
  assert.equal(server.calls.CreateCacheEntry, 0);
  const post = instance({ prefix: 'poststep' });
  const report = await post.cache.flush();
  assert.equal(report.saved.length, 2);
  assert.deepEqual(report.saved[0]!.layers.sort(), layers.map((l) => l.key).sort());
  const next = await run({ prefix: 'poststep' });
  assert.equal((await build(next, layers)).hits.length, 2);
});

test('a restored blob passed to put by offset (a run inside an archive) is checked and kept', async () => {
  const [l, other] = await Promise.all([layer('offset'), layer('offset-other')]);
  const archive = path.join(tmp, 'archive-with-layer');
  await fsp.writeFile(archive, Buffer.concat([randomBytes(777), l!.bytes, randomBytes(55)]));
  const r = await run({ prefix: 'offset' });
  await r.cache.lookup([l!.key]);
  await r.cache.put(l!.key, { ...l!.put, blobPath: archive, blobOffset: 777 });
  // The record of another layer with these bytes: refused, with a warning.
  await r.cache.put('wrong', { ...other!.put, blobPath: archive, blobOffset: 777 });
  assert.match(r.warnings.join('\n'), /could not keep layer wrong .*does not match its record/);
  await r.cache.flush();
  const again = await run({ prefix: 'offset' });
  const found = await again.cache.lookup([l!.key, 'wrong']);
  assert.deepEqual([...found.keys()], [l!.key]);
  assert.deepEqual(await fsp.readFile(found.get(l!.key)!.blobPath), l!.bytes);
});

test('a finalize beyond the storage quota stops the saves with a warning (no retry, no rate-limit wait); the build goes on', async () => {
  const layers = await Promise.all(['big-1', 'big-2'].map((n) => layer(`quota-${n}`, 300 * 1024)));
  const r = await run({ prefix: 'quota', bundleTarget: 512 * 1024, concurrency: 1 });
  await build(r, layers);
  server.setQuota(server.usedBytes() + 100 * 1024);
  try {
    const report = await r.cache.flush();
    assert.deepEqual(report.saved, []);
    assert.equal(report.failed.length, 2, 'both bundles (and no index: nothing new to list)');
    assert.match(report.failed[0]!.reason, /quota is full/);
    const finalizes = server.twirpLog.filter((c) => c.method === 'FinalizeCacheEntryUpload');
    assert.deepEqual(finalizes.map((c) => c.status), [429], 'one refusal, then no more attempts');
    assert.equal(creates().length, 1);
    assert.deepEqual(r.events.filter((e) => e.type === 'retry'), []);
    assert.match(r.warnings.join('\n'), /could not save .*quota is full/);
    assert.ok(!server.entries().some((e) => e.key.startsWith('quota-')), 'nothing stored');
  } finally {
    server.setQuota(undefined);
  }
});

test('a token without cache write access: CreateCacheEntry answers ok: false, "cache write denied"; one warning, no more attempts', async () => {
  const layers = await Promise.all(['w-1', 'w-2'].map((n) => layer(`denied-${n}`, 300 * 1024)));
  const r = await run({ prefix: 'denied', bundleTarget: 512 * 1024, concurrency: 1, scopes: [{ scope: 'refs/heads/main', permission: 1 }] });
  assert.deepEqual((await build(r, layers)).hits, []);
  const report = await r.cache.flush();
  assert.deepEqual(report.saved, []);
  assert.equal(report.failed.length, 2);
  assert.match(report.failed[0]!.reason, /cache write denied: /);
  assert.deepEqual(creates().map((c) => c.status), [200], 'refused in the body, once');
  assert.deepEqual(server.twirpLog.filter((c) => c.method === 'FinalizeCacheEntryUpload'), []);
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0]!, /could not save .*cache write denied: /);
});

test("downloads go through the Azure SDK as on GitHub: HEAD, then ranged GETs of 4 MiB blocks from the blob host", async () => {
  const big = await layer('azure-segments', 9 * 2 ** 20);
  const a = await run({ prefix: 'azure' });
  await build(a, [big]);
  assert.equal((await a.cache.flush()).failed.length, 0);
  server.resetCounters();
  const b = await run({ prefix: 'azure' });
  assert.deepEqual((await build(b, [big])).hits, [big.key]);
  const downloads = server.blobLog.filter((c) => c.op === 'headBlob' || c.op === 'getBlob');
  assert.ok(downloads.every((c) => c.host.startsWith(`${BLOB_HOST}:`)), JSON.stringify(downloads));
  const bundleGets = downloads.filter((c) => c.op === 'getBlob').map((c) => c.range);
  assert.ok(bundleGets.every((r) => /^bytes=\d+-\d+$/.test(r ?? '')), `every GET ranged: ${bundleGets.join(' ')}`);
  assert.ok(bundleGets.length >= 2 + 1, `the 9 MiB bundle in 4 MiB segments (and the index): ${bundleGets.join(' ')}`);
  assert.ok(bundleGets.includes('bytes=4194304-8388607'), bundleGets.join(' '));
  assert.equal(downloads[0]!.op, 'headBlob', 'the size first');
  assert.equal(server.calls.headBlob, 2, 'one HEAD per entry restored');
});

test('without the cache service the backend misses and saves nothing, quietly', async () => {
  restoreEnv?.();
  restoreEnv = undefined;
  const saved = { ...process.env };
  delete process.env.ACTIONS_RESULTS_URL;
  delete process.env.ACTIONS_CACHE_URL;
  process.env.ACTIONS_CACHE_SERVICE_V2 = 'true';
  try {
    const r = instance({ prefix: 'off' });
    const l = await layer('off');
    assert.equal((await r.cache.lookup([l.key])).size, 0);
    await r.cache.put(l.key, l.put);
    assert.deepEqual((await r.cache.flush()).saved, []);
    assert.deepEqual(r.warnings, []);
    assert.ok(r.events.some((e) => e.type === 'miss' && e.reason === 'unavailable'));
    assert.equal(server.twirpLog.length, 0);
  } finally {
    for (const k of ['ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_URL', 'ACTIONS_CACHE_SERVICE_V2']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});
