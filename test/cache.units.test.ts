// The pure parts of the Actions backend (grouping, budget, index), what the client says
// on stdout, and the local cache service itself spoken to with the Azure SDK's block
// upload (the path the client takes for archives over 128 MiB) and ranged reads.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BlockBlobClient } from '@azure/storage-blob';
import { inCacheRoot } from '../src/cache/actions/clientDirectory.ts';
import { withClientOutput } from '../src/cache/actions/clientOutput.ts';
import { bundleId, emptyIndex, indexKey, keyBase, parseBundle, parseIndex, BUNDLE_SCHEMA } from '../src/cache/actions/layout.ts';
import { groupLayers, mergeIndex, nextIndex, selectBundles, sizeClass, type NewLayer } from '../src/cache/actions/plan.ts';
import type { LayerRecord } from '../src/cache/types.ts';
import type { Logger } from '../src/util/log.ts';
import { runtimeToken, startCacheServer, TWIRP_PREFIX } from './helpers/cacheServer.ts';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const rec = (n: number, compressedSize: number): LayerRecord => ({ diffId: `sha256:${hex(n + 1000)}`, digest: `sha256:${hex(n)}`, size: compressedSize * 2, compressedSize, compressor: 'gz' });
const nl = (key: string, n: number, size: number): NewLayer => ({ key, record: rec(n, size) });
const MiB = 2 ** 20;

test('grouping: small together, medium packed to the target, large alone; same input, same bundles', () => {
  assert.equal(sizeClass(1000), 'small');
  assert.equal(sizeClass(2 * MiB), 'medium');
  assert.equal(sizeClass(32 * MiB), 'large');
  const layers = [
    ...Array.from({ length: 30 }, (_, i) => nl(`s${String(i).padStart(2, '0')}`, i, 1000)),
    ...Array.from({ length: 5 }, (_, i) => nl(`m${i}`, 100 + i, 30 * MiB)),
    nl('L1', 200, 40 * MiB),
    nl('L2', 201, 400 * MiB),
  ];
  const groups = groupLayers(layers);
  assert.deepEqual(
    groups.map((g) => g.layers.map((l) => l.key).join(',')),
    [Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, '0')}`).join(','), 'm0,m1,m2,m3', 'm4', 'L1', 'L2'],
  );
  const again = groupLayers([...layers].reverse());
  assert.deepEqual(again.map((g) => g.id), groups.map((g) => g.id), 'order of arrival does not matter');
  const avoided = groupLayers(layers, undefined, new Set([groups[0]!.id]));
  assert.notEqual(avoided[0]!.id, groups[0]!.id, 'a broken entry is not reused');
  assert.equal(avoided[1]!.id, groups[1]!.id);
  assert.notEqual(bundleId([{ key: 'a', digest: 'sha256:1' }]), bundleId([{ key: 'a', digest: 'sha256:2' }]), 'bytes are part of the id');
});

test('budget: most recently used first; at equal times stored before new, then smaller; age drops', () => {
  const day = 24 * 3600e3;
  const now = 100 * day;
  const sel = selectBundles(
    [
      { id: 'old', bytes: 10, lastUsed: now - 3 * day, existing: true },
      { id: 'used', bytes: 50, lastUsed: now, existing: true },
      { id: 'new-big', bytes: 40, lastUsed: now, existing: false },
      { id: 'new-small', bytes: 5, lastUsed: now, existing: false },
      { id: 'ancient', bytes: 1, lastUsed: now - 8 * day, existing: true },
    ],
    70,
    now,
    7 * day,
  );
  assert.deepEqual([...sel.keep].sort(), ['new-small', 'old', 'used']);
  assert.deepEqual(sel.evicted, [
    { id: 'new-big', reason: 'budget' },
    { id: 'ancient', reason: 'age' },
  ]);
});

test('index: merge keeps both jobs’ bundles; the next index drops bundles no layer points at', () => {
  const a = { ...emptyIndex(), written: '2025-01-01T00:00:00.000Z', bundles: { ['a'.repeat(32)]: { key: 'k1', bytes: 1, lastUsed: '2025-01-01T00:00:00.000Z' } }, layers: { x: { ...rec(1, 1), bundle: 'a'.repeat(32) } } };
  const b = { ...emptyIndex(), written: '2025-01-02T00:00:00.000Z', bundles: { ['b'.repeat(32)]: { key: 'k2', bytes: 2, lastUsed: '2025-01-02T00:00:00.000Z' } }, layers: { y: { ...rec(2, 2), bundle: 'b'.repeat(32) } } };
  const m = mergeIndex(a, b);
  assert.deepEqual(Object.keys(m.layers).sort(), ['x', 'y']);
  assert.equal(m.written, b.written);
  assert.equal(typeof parseIndex(m), 'object');
  const next = nextIndex({ previous: m, keep: new Set(['b'.repeat(32)]), added: [], used: new Set(['b'.repeat(32)]), now: new Date('2025-01-03T00:00:00Z') });
  assert.deepEqual(Object.keys(next.bundles), ['b'.repeat(32)]);
  assert.deepEqual(Object.keys(next.layers), ['y']);
  assert.equal(next.bundles['b'.repeat(32)]!.lastUsed, '2025-01-03T00:00:00.000Z');
  assert.match(String(parseIndex({ ...m, layers: { z: { ...rec(3, 3), bundle: 'nope' } } })), /unknown bundle/);
  assert.match(String(parseBundle({ schema: BUNDLE_SCHEMA, id: 'other', layers: {} }, 'mine')), /manifest of bundle other/);
});

test('keys: prefix, os, arch, layout version; unique index keys; bad prefixes refused', () => {
  assert.equal(keyBase('app', 'linux', 'x64'), 'app-linux-x64-layers-v1');
  const k = indexKey('app-linux-x64-layers-v1', new Date('2025-06-01T12:00:00.123Z'), 'body');
  assert.match(k, /^app-linux-x64-layers-v1-index-20250601T120000123Z-[0-9a-f]{12}$/);
  assert.notEqual(k, indexKey('app-linux-x64-layers-v1', new Date('2025-06-01T12:00:00.123Z'), 'other body'));
  assert.throws(() => keyBase('a,b'), /commas/);
  assert.throws(() => keyBase(''), /empty/);
  assert.throws(() => keyBase('x'.repeat(201)), /longer than 200/);
});

test('client output: lines go to the logger and become signals; data and masks are handled apart', async () => {
  const lines: string[] = [];
  const log: Logger = { info: () => {}, warn: () => {}, debug: (m) => lines.push(m), group: (_t, fn) => fn() };
  const written: unknown[] = [];
  const realWrite = process.stdout.write;
  // Stand-in for the real stdout, beneath the capture, to see what passes through.
  process.stdout.write = ((chunk: unknown) => (written.push(chunk), true)) as typeof process.stdout.write;
  try {
    const data = Buffer.from('binary data');
    const { value, signals } = await withClientOutput(
      log,
      async () => {
        process.stdout.write("::warning::You've hit a rate limit, your rate limit will reset in 7 seconds\n");
        process.stdout.write('::debug::Failed to reserve cache: Error: (409) Conflict: cache entry already exists\n');
        process.stdout.write('::add-mask::s3cret\n');
        process.stdout.write('Cache Size: ~0 MB (249 B)\n');
        process.stdout.write(data);
        return 42;
      },
      false,
    );
    assert.equal(value, 42);
    assert.deepEqual(signals, { rateLimited: true, retryAfterSeconds: 7, conflict: true, quota: false, denied: false, lastWarning: "You've hit a rate limit, your rate limit will reset in 7 seconds" });
    assert.deepEqual(written, [data], 'only the data reached stdout');
    assert.equal(lines.length, 3);
    assert.ok(!lines.join('\n').includes('s3cret'), 'a mask is not logged');
    const under = await withClientOutput(log, async () => void process.stdout.write('::add-mask::s3cret\n'), true);
    assert.equal(under.error, undefined);
    assert.deepEqual(written.slice(1), ['::add-mask::s3cret\n'], 'under a runner, masks reach it');

    // Lines written meanwhile by other work (outside the client call) are not the client's.
    let release!: () => void;
    const call = withClientOutput(log, () => new Promise<void>((r) => (release = r)).then(() => void process.stdout.write('::warning::from the client\n')), false);
    process.stdout.write('::warning::the engine warns\n');
    release();
    const { signals: s2 } = await call;
    assert.equal(s2.lastWarning, 'from the client');
    assert.deepEqual(written.slice(2), ['::warning::the engine warns\n']);
  } finally {
    process.stdout.write = realWrite;
  }
});

test('client directory: inside a client call the cache root is the working directory and GITHUB_WORKSPACE unset; the engine, meanwhile, sees neither change', async () => {
  const cwd = process.cwd();
  const saved = process.env.GITHUB_WORKSPACE;
  process.env.GITHUB_WORKSPACE = '/home/runner/work/app/app';
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'nix-docker-cache-root-'));
  try {
    let release!: () => void;
    const seen: string[] = [];
    const call = inCacheRoot(root, async () => {
      await new Promise<void>((r) => (release = r));
      seen.push(process.cwd(), String(process.env.GITHUB_WORKSPACE), String('GITHUB_WORKSPACE' in process.env));
      seen.push(execFileSync('sh', ['-c', 'pwd; echo "${GITHUB_WORKSPACE-unset}"'], { cwd: process.cwd() }).toString());
    });
    // The engine, while the call is pending.
    assert.equal(process.cwd(), cwd);
    assert.equal(process.env.GITHUB_WORKSPACE, '/home/runner/work/app/app');
    assert.equal(execFileSync('sh', ['-c', 'echo "$GITHUB_WORKSPACE"']).toString(), '/home/runner/work/app/app\n');
    release();
    await call;
    assert.deepEqual(seen.slice(0, 3), [root, 'undefined', 'false']);
    assert.equal(seen[3], `${root}\nunset\n`, 'what the client spawns (tar) inherits the same');
    assert.equal(process.cwd(), cwd, 'put back');
    assert.equal(process.env.GITHUB_WORKSPACE, '/home/runner/work/app/app');
  } finally {
    if (saved === undefined) delete process.env.GITHUB_WORKSPACE;
    else process.env.GITHUB_WORKSPACE = saved;
    await fsp.rm(root, { recursive: true, force: true });
  }
});

test('cache service: block uploads, ranged reads, scopes, duplicate keys, refusals worded as the service words them, the quota, faults', async () => {
  const server = await startCacheServer();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'nix-docker-cache-server-'));
  try {
    const twirp = async (method: string, body: unknown, token = runtimeToken()) => {
      const res = await fetch(new URL(`${TWIRP_PREFIX}${method}`, server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Record<string, string> };
    };
    const created = await twirp('CreateCacheEntry', { key: 'k', version: 'v1' });
    assert.equal(created.json.ok, true);
    const data = randomBytes(5 * MiB + 123);
    const file = path.join(dir, 'data');
    await fsp.writeFile(file, data);
    await new BlockBlobClient(created.json.signed_upload_url!).uploadFile(file, { blockSize: MiB, maxSingleShotSize: MiB, concurrency: 3 });
    assert.equal(server.calls.putBlock, 6);
    assert.equal(server.calls.putBlockList, 1);
    assert.equal((await twirp('FinalizeCacheEntryUpload', { key: 'k', version: 'v1', size_bytes: String(data.length - 1) })).status, 400);
    assert.equal((await twirp('FinalizeCacheEntryUpload', { key: 'k', version: 'v1', size_bytes: String(data.length) })).json.ok, true);
    assert.equal((await twirp('CreateCacheEntry', { key: 'k', version: 'v1' })).status, 409, 'keys are immutable');

    const found = await twirp('GetCacheEntryDownloadURL', { key: 'other', restore_keys: ['k'], version: 'v1' });
    assert.equal(found.json.matched_key, 'k');
    assert.equal((await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v2' })).json.ok, false, 'the version must match');
    const url = found.json.signed_download_url!;
    assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), data);
    const part = await fetch(url, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), data.subarray(10, 20));
    assert.equal((await fetch(url.replace(/sig=[^&]+/, 'sig=forged'))).status, 403);

    const other = runtimeToken([{ scope: 'refs/heads/other', permission: 3 }]);
    assert.equal((await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' }, other)).json.ok, false, 'another branch does not see it');
    const branch = runtimeToken([
      { scope: 'refs/heads/feature', permission: 3 },
      { scope: 'refs/heads/main', permission: 1 },
    ]);
    assert.equal((await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' }, branch)).json.ok, true, 'a branch reads the default branch');
    assert.equal((await twirp('CreateCacheEntry', { key: 'k', version: 'v1' }, branch)).json.ok, true, 'and writes its own scope');
    // Refusals as the service words them: the client reads the body, not the status.
    const readOnly = runtimeToken([{ scope: 'refs/heads/main', permission: 1 }]);
    const denied = await twirp('CreateCacheEntry', { key: 'k2', version: 'v1' }, readOnly);
    assert.equal(denied.status, 200);
    assert.equal(denied.json.ok, false);
    assert.match(denied.json.message!, /^cache write denied: /);
    const unreadable = await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' }, runtimeToken([{ scope: 'refs/heads/main', permission: 2 }]));
    assert.equal(unreadable.status, 403);
    assert.match(unreadable.json.msg!, /^cache read denied: /);

    // A finalize beyond the quota is refused and its upload dropped; under it, accepted.
    server.setQuota(server.usedBytes() + 10);
    const big = await twirp('CreateCacheEntry', { key: 'big', version: 'v1' });
    await new BlockBlobClient(big.json.signed_upload_url!).uploadData(randomBytes(11));
    const over = await twirp('FinalizeCacheEntryUpload', { key: 'big', version: 'v1', size_bytes: '11' });
    assert.equal(over.json.code, 'resource_exhausted');
    assert.match(over.json.msg!, /insufficient usage/);
    assert.ok(!server.entries().some((e) => e.key === 'big'), 'the refused upload is dropped');
    const small = await twirp('CreateCacheEntry', { key: 'big', version: 'v1' });
    await new BlockBlobClient(small.json.signed_upload_url!).uploadData(randomBytes(10));
    assert.equal((await twirp('FinalizeCacheEntryUpload', { key: 'big', version: 'v1', size_bytes: '10' })).json.ok, true);
    server.setQuota(undefined);

    server.failNext('GetCacheEntryDownloadURL', { status: 429, retryAfter: 9, times: 2 });
    for (let i = 0; i < 2; i++) {
      const limited = await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' });
      assert.equal(limited.status, 429);
      assert.equal(limited.retryAfter, '9');
      assert.equal(limited.json.code, 'resource_exhausted');
    }
    assert.equal((await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' })).status, 200);
  } finally {
    await server.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
