// The local-directory backend (the CLI's cache): hits and misses, verification, LRU
// within the budget, a process killed mid-put, several processes sharing a directory.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { blobProblem, defaultLocalCacheDir, localDirCache, noCache, parseSize, type CacheEvent, type LayerPut, type LocalCacheOptions } from '../src/cache/index.ts';
import type { Logger } from '../src/util/log.ts';

const run = promisify(execFile);
let tmp: string;
before(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'nix-docker-cache-local-'));
});
after(() => fsp.rm(tmp, { recursive: true, force: true }));

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let dirs = 0;
const newDir = () => path.join(tmp, `cache-${++dirs}`);

interface Layer {
  key: string;
  put: LayerPut;
  bytes: Buffer;
}

async function layer(name: string, size = 4096, raw = randomBytes(size)): Promise<Layer> {
  const bytes = gzipSync(raw, { level: 1 });
  const blobPath = path.join(tmp, `blob-${name}-${randomBytes(4).toString('hex')}`);
  await fsp.writeFile(blobPath, bytes);
  return { key: `key-${name}`, bytes, put: { blobPath, diffId: sha256(raw), digest: sha256(bytes), size: raw.length, compressedSize: bytes.length, compressor: 'gz' } };
}

function open(dir: string, opts: LocalCacheOptions = {}) {
  const events: CacheEvent[] = [];
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, debug: () => {}, warn: (m) => warnings.push(m), group: (_t, fn) => fn() };
  return { cache: localDirCache(dir, { log, onEvent: (e) => events.push(e), ...opts }), events, warnings };
}

const files = async (d: string) => (await fsp.readdir(d).catch(() => [] as string[])).sort();

test('hits come back verified and byte-identical; misses are misses; the caller keeps its file', async () => {
  const dir = newDir();
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => layer(n)));
  const { cache, events } = open(dir);
  assert.equal((await cache.lookup([a!.key])).size, 0);
  for (const l of [a!, b!, c!]) await cache.put(l.key, l.put);
  await fsp.rm(a!.put.blobPath);
  const other = open(dir);
  const found = await other.cache.lookup([a!.key, b!.key, 'key-nope', c!.key, a!.key]);
  assert.deepEqual([...found.keys()].sort(), [a!.key, b!.key, c!.key]);
  for (const l of [a!, b!, c!]) {
    const hit = found.get(l.key)!;
    assert.deepEqual(await fsp.readFile(hit.blobPath), l.bytes);
    assert.deepEqual({ ...hit, blobPath: '' }, { key: l.key, diffId: l.put.diffId, digest: l.put.digest, size: l.put.size, compressedSize: l.put.compressedSize, compressor: 'gz', blobPath: '' });
  }
  assert.deepEqual(other.cache.stats(), { ...other.cache.stats(), hits: 3, misses: 1, corrupt: 0 });
  assert.equal(events.filter((e) => e.type === 'put').length, 3);
  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'tmp')), []);
  const report = await cache.flush();
  assert.deepEqual(report.saved.map((s) => s.entry).sort(), [a!.key, b!.key, c!.key]);
});

test('a file handed over in the scratch directory moves into the cache; one on another file system is copied', async () => {
  const dir = newDir();
  const { cache } = open(dir);
  const scratch = await cache.scratchDir!();
  assert.equal((await fsp.stat(scratch)).dev, (await fsp.stat(dir)).dev);
  const a = await layer('handed');
  const given = path.join(scratch, 'given.tmp');
  await fsp.rename(a.put.blobPath, given);
  const inode = (await fsp.stat(given)).ino;
  await cache.put(a.key, { ...a.put, blobPath: given, handOver: true });
  assert.equal(fs.existsSync(given), false, 'moved, not copied');
  const hit = (await open(dir).cache.lookup([a.key])).get(a.key)!;
  assert.equal((await fsp.stat(hit.blobPath)).ino, inode);
  assert.deepEqual(await fsp.readFile(hit.blobPath), a.bytes);
  assert.equal((await fsp.stat(hit.blobPath)).mode & 0o777, 0o444);

  // /dev/shm is a tmpfs here: rename fails with EXDEV and the bytes are copied instead.
  const shm = await fsp.mkdtemp('/dev/shm/nix-docker-handover-');
  try {
    assert.notEqual((await fsp.stat(shm)).dev, (await fsp.stat(dir)).dev);
    const b = await layer('elsewhere');
    const far = path.join(shm, 'blob');
    await fsp.copyFile(b.put.blobPath, far);
    await cache.put(b.key, { ...b.put, blobPath: far, handOver: true });
    assert.equal(fs.existsSync(far), true, 'the caller removes what was not moved');
    assert.deepEqual(await fsp.readFile((await open(dir).cache.lookup([b.key])).get(b.key)!.blobPath), b.bytes);
  } finally {
    await fsp.rm(shm, { recursive: true, force: true });
  }
});

test('a corrupt or truncated blob, or a damaged record, is discarded with a warning and is a miss', async () => {
  const dir = newDir();
  const [a, b, c] = await Promise.all(['ca', 'cb', 'cc'].map((n) => layer(n)));
  const first = open(dir);
  for (const l of [a!, b!, c!]) await first.cache.put(l.key, l.put);
  const blob = (l: Layer) => path.join(dir, 'layers-v1', 'blobs', 'sha256', l.put.digest.slice(7));
  const flipped = Buffer.from(a!.bytes);
  flipped[10] = flipped[10]! ^ 1;
  await fsp.chmod(blob(a!), 0o644);
  await fsp.writeFile(blob(a!), flipped);
  await fsp.chmod(blob(b!), 0o644);
  await fsp.truncate(blob(b!), 20);
  const recordOf = (key: string) => path.join(dir, 'layers-v1', 'records', `${createHash('sha256').update(key).digest('hex')}.json`);
  await fsp.writeFile(recordOf(c!.key), '{"schema":"nix-docker-layer/1","key":"key-cc","digest":"sha256:0"');

  const second = open(dir);
  assert.equal((await second.cache.lookup([a!.key, b!.key, c!.key])).size, 0);
  assert.equal(second.cache.stats().corrupt, 3);
  assert.equal(second.cache.stats().misses, 3);
  assert.equal(second.warnings.length, 3);
  assert.match(second.warnings.join('\n'), /digest sha256:[0-9a-f]{64}, expected/);
  assert.match(second.warnings.join('\n'), /truncated or padded: 20 bytes/);
  assert.match(second.warnings.join('\n'), /discarding the record .*Unexpected end of JSON|discarding the record/);
  assert.ok(!fs.existsSync(blob(a!)) && !fs.existsSync(recordOf(a!.key)), 'the bad entry is gone');
  const third = open(dir);
  assert.equal((await third.cache.lookup([a!.key])).size, 0);
  assert.deepEqual(third.warnings, [], 'discarded once, then a plain miss');
  await third.cache.put(a!.key, a!.put);
  assert.equal((await open(dir).cache.lookup([a!.key])).size, 1, 'rebuilt and cached again');
});

test('a blob unchanged since it was known good is not read again; one edited in place is, even with its mtime put back', async () => {
  const dir = newDir();
  const [a, b] = await Promise.all(['sa', 'sb'].map((n) => layer(n)));
  const first = open(dir);
  for (const l of [a!, b!]) await first.cache.put(l.key, l.put);
  const blob = (l: Layer) => path.join(dir, 'layers-v1', 'blobs', 'sha256', l.put.digest.slice(7));
  const verifiedAt = (events: CacheEvent[]) => Object.fromEntries(events.flatMap((e) => (e.type === 'hit' ? [[e.key, e.verified]] : [])));

  const warm = open(dir);
  assert.equal((await warm.cache.lookup([a!.key, b!.key])).size, 2);
  assert.deepEqual(verifiedAt(warm.events), { [a!.key]: false, [b!.key]: false }, 'stored by put: trusted by their stat');

  // Same size, same mtime, other bytes: only ctime tells, and ctime cannot be set back.
  const st = await fsp.stat(blob(a!));
  const flipped = Buffer.from(a!.bytes);
  flipped[12] = flipped[12]! ^ 1;
  await fsp.chmod(blob(a!), 0o644);
  await fsp.writeFile(blob(a!), flipped);
  await fsp.utimes(blob(a!), st.atime, st.mtime);
  const after = open(dir);
  assert.equal((await after.cache.lookup([a!.key, b!.key])).size, 1);
  assert.deepEqual(verifiedAt(after.events), { [b!.key]: false });
  assert.equal(after.cache.stats().corrupt, 1);
  assert.match(after.warnings.join('\n'), /digest sha256:[0-9a-f]{64}, expected/);

  // A record written before stamps existed (or a blob restored from elsewhere): hashed once, then trusted.
  const record = path.join(dir, 'layers-v1', 'records', `${createHash('sha256').update(b!.key).digest('hex')}.json`);
  const { verifiedStat: _, ...old } = JSON.parse(await fsp.readFile(record, 'utf8'));
  await fsp.writeFile(record, JSON.stringify(old));
  const once = open(dir);
  await once.cache.lookup([b!.key]);
  const twice = open(dir);
  await twice.cache.lookup([b!.key]);
  assert.deepEqual([verifiedAt(once.events), verifiedAt(twice.events)], [{ [b!.key]: true }, { [b!.key]: false }]);
});

test('verify: full also checks the diff_id (decompressing the blob)', async () => {
  const dir = newDir();
  const l = await layer('full');
  const lying = { ...l.put, diffId: sha256(Buffer.from('something else')) };
  await open(dir).cache.put(l.key, lying);
  assert.equal((await open(dir).cache.lookup([l.key])).size, 1, 'digest mode trusts the recorded diff_id');
  const full = open(dir, { verify: 'full' });
  assert.equal((await full.cache.lookup([l.key])).size, 0);
  assert.match(full.warnings[0]!, /diff_id sha256:[0-9a-f]+, expected/);
  assert.equal(await blobProblem(l.put.blobPath, l.put, 'full'), undefined);
  // zstd and multi-member gzip decompress whole.
  const raw = randomBytes(3000);
  const zst = await import('node:zlib').then((z) => Buffer.concat([z.zstdCompressSync(raw.subarray(0, 1000)), z.zstdCompressSync(raw.subarray(1000))]));
  const gz = Buffer.concat([gzipSync(raw.subarray(0, 1000)), gzipSync(raw.subarray(1000))]);
  for (const [bytes, compressor] of [[zst, 'zstd'], [gz, 'gz']] as const) {
    const f = path.join(tmp, `multi.${compressor}`);
    await fsp.writeFile(f, bytes);
    assert.equal(await blobProblem(f, { diffId: sha256(raw), digest: sha256(bytes), size: raw.length, compressedSize: bytes.length, compressor }, 'full'), undefined);
  }
});

test('the budget evicts the least recently used layers; a blob two keys share stays while one needs it', async () => {
  const dir = newDir();
  const [a, b, c] = await Promise.all(['la', 'lb', 'lc'].map((n) => layer(n, 10_000)));
  const size = a!.put.compressedSize;
  let now = Date.parse('2025-03-01T00:00:00Z');
  const at = (opts: LocalCacheOptions = {}) => open(dir, { now: () => new Date(now), graceMs: 0, budget: Math.floor(2.5 * size), ...opts });
  await at().cache.put(a!.key, a!.put);
  now += 60e3;
  await at().cache.put(b!.key, b!.put);
  await at().cache.put('key-lb-twin', b!.put);
  now += 60e3;
  await at().cache.lookup([a!.key]); // a is now more recent than b
  now += 60e3;
  const last = at();
  await last.cache.put(c!.key, c!.put);
  const report = await last.cache.flush();
  assert.deepEqual(report.evicted.sort(), [b!.key, 'key-lb-twin'].sort(), 'b (and its twin, same blob) were used least recently');
  assert.deepEqual(report.saved.map((s) => s.entry), [c!.key]);
  assert.deepEqual([...(await at().cache.lookup([a!.key, b!.key, c!.key, 'key-lb-twin'])).keys()].sort(), [a!.key, c!.key].sort());
  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'blobs', 'sha256')), [a!.put.digest.slice(7), c!.put.digest.slice(7)].sort());

  // A shared blob: evicting one of two keys keeps the blob for the other.
  now += 60e3;
  await at().cache.lookup([c!.key]);
  now += 60e3;
  await at({ budget: 1e12 }).cache.put('key-la-twin', a!.put);
  now += 60e3;
  await at().cache.lookup(['key-la-twin']);
  const r2 = await at({ budget: 1.5 * size }).cache.flush();
  assert.deepEqual(r2.evicted, [a!.key, c!.key], 'a (oldest: its blob stays for its twin), then c');
  const twin = await at().cache.lookup(['key-la-twin', a!.key]);
  assert.deepEqual([...twin.keys()], ['key-la-twin']);

  // Age: unused for longer than maxAgeMs goes whatever the budget.
  now += 40 * 24 * 3600e3;
  const r3 = await at({ budget: 1e12 }).cache.flush();
  assert.deepEqual(r3.evicted, ['key-la-twin']);
  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'blobs', 'sha256')), []);
});

test('what was used within the grace period is not evicted (another build may be reading it)', async () => {
  const dir = newDir();
  const [a, b] = await Promise.all(['ga', 'gb'].map((n) => layer(n, 10_000)));
  const c = open(dir, { budget: 1 });
  await c.cache.put(a!.key, a!.put);
  await c.cache.put(b!.key, b!.put);
  assert.deepEqual((await c.cache.flush()).evicted, []);
  assert.equal((await open(dir).cache.lookup([a!.key, b!.key])).size, 2);
});

test('put takes a run of a bigger file, checks it, and refuses bytes that do not match', async () => {
  const dir = newDir();
  const [l, other] = await Promise.all([layer('range'), layer('range-other')]);
  const archive = path.join(tmp, 'range-archive');
  await fsp.writeFile(archive, Buffer.concat([randomBytes(1000), l!.bytes, randomBytes(10)]));
  const c = open(dir);
  await c.cache.put(l!.key, { ...l!.put, blobPath: archive, blobOffset: 1000 });
  await c.cache.put(other!.key, { ...other!.put, blobPath: archive, blobOffset: 1000 });
  await c.cache.put('key-beyond', { ...other!.put, blobPath: archive, blobOffset: 1e6 });
  assert.equal(c.warnings.length, 2);
  assert.match(c.warnings[0]!, /does not match its record/);
  assert.match(c.warnings[1]!, /fewer than offset/);
  const found = await open(dir).cache.lookup([l!.key, other!.key, 'key-beyond']);
  assert.deepEqual([...found.keys()], [l!.key]);
  assert.deepEqual(await fsp.readFile(found.get(l!.key)!.blobPath), l!.bytes);
  await assert.rejects(c.cache.put('bad', { ...l!.put, digest: 'md5:x' }), /bad digest/);
});

const WORKER = `
const { localDirCache } = await import(process.env.CACHE_MODULE);
const job = JSON.parse(process.env.CACHE_JOB);
const fs = await import('node:fs/promises');
const { createHash } = await import('node:crypto');
const cache = localDirCache(job.dir, job.opts ?? {});
if (job.op === 'put') {
  await cache.put(job.key, job.layer);
  process.stdout.write('done');
} else {
  let bad = 0, hits = 0;
  for (let round = 0; round < job.rounds; round++) {
    const order = [...job.layers].sort(() => Math.random() - 0.5);
    for (const l of order) {
      const found = await cache.lookup([l.key]);
      const hit = found.get(l.key);
      if (hit) {
        const bytes = await fs.readFile(hit.blobPath).catch((e) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
        // Gone under us (evicted by another process) is a miss; wrong bytes never are.
        if (bytes && 'sha256:' + createHash('sha256').update(bytes).digest('hex') !== l.layer.digest) bad++;
        if (bytes) hits++;
      } else if (job.put) await cache.put(l.key, l.layer);
    }
    if (job.flush) await cache.flush();
  }
  process.stdout.write(JSON.stringify({ bad, hits }));
}
`;

function worker(job: unknown): { child: ReturnType<typeof spawn>; done: Promise<string> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER], {
    env: { ...process.env, CACHE_MODULE: new URL('../src/cache/index.ts', import.meta.url).href, CACHE_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const done = new Promise<string>((resolve, reject) => child.on('exit', (code, sig) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code ?? sig}`)))));
  return { child, done };
}

test('a process killed in the middle of a put leaves no entry, only a temporary file that is collected', async () => {
  const dir = newDir();
  const l = await layer('crash', 256 * 1024);
  const fifo = path.join(tmp, 'crash.fifo');
  await run('mkfifo', [fifo]);
  const w = worker({ op: 'put', dir, key: l.key, layer: { ...l.put, blobPath: fifo } });
  const writer = fs.createWriteStream(fifo);
  writer.on('error', () => {});
  writer.write(l.bytes.subarray(0, 100_000));
  const tmpDir = path.join(dir, 'layers-v1', 'tmp');
  for (let i = 0; ; i++) {
    const partial = (await files(tmpDir))[0];
    if (partial && (await fsp.stat(path.join(tmpDir, partial))).size > 0) break;
    assert.ok(i < 500, 'the worker started copying');
    await new Promise((r) => setTimeout(r, 10));
  }
  w.child.kill('SIGKILL');
  await assert.rejects(w.done, /SIGKILL/);
  writer.destroy();

  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'records')), []);
  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'blobs', 'sha256')), []);
  assert.equal((await files(tmpDir)).length, 1, 'a partial temporary file, nothing else');
  const after = open(dir, { graceMs: 0 });
  assert.equal((await after.cache.lookup([l.key])).size, 0);
  assert.deepEqual(after.warnings, []);
  // An unreferenced blob (a crash between blob and record) is collected too.
  await fsp.writeFile(path.join(dir, 'layers-v1', 'blobs', 'sha256', 'ab'.repeat(32)), 'orphan');
  await after.cache.flush();
  assert.deepEqual(await files(tmpDir), []);
  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'blobs', 'sha256')), []);
});

test('processes sharing a directory never see a half or foreign entry, even while evicting', async () => {
  const dir = newDir();
  // The same 24 layers (same bytes for a key in every process), 8 of them sharing blobs.
  const layers = await Promise.all(
    Array.from({ length: 24 }, async (_, i) => {
      const raw = createHash('sha512').update(`content ${i % 16}`).digest();
      const l = await layer(`shared-${i}`, 0, Buffer.concat(Array.from({ length: 200 }, () => raw)));
      return { key: l.key, layer: l.put };
    }),
  );
  const phase1 = await Promise.all(Array.from({ length: 4 }, () => worker({ op: 'mix', dir, layers, rounds: 2, put: true }).done));
  for (const out of phase1) assert.equal(JSON.parse(out).bad, 0);
  const size = layers[0]!.layer.compressedSize;
  const phase2 = await Promise.all(
    Array.from({ length: 4 }, (_, i) => worker({ op: 'mix', dir, layers, rounds: 3, put: i % 2 === 0, flush: true, opts: { graceMs: 0, budget: 6 * size } }).done),
  );
  for (const out of phase2) assert.equal(JSON.parse(out).bad, 0);

  const final = open(dir, { graceMs: 0, budget: 6 * size });
  await final.cache.flush();
  const found = await final.cache.lookup(layers.map((l) => l.key));
  assert.deepEqual(final.warnings, [], 'nothing corrupt was left behind');
  for (const [key, hit] of found) assert.equal(hit.digest, layers.find((l) => l.key === key)!.layer.digest);
  const blobs = await files(path.join(dir, 'layers-v1', 'blobs', 'sha256'));
  assert.ok(blobs.length <= 6, `within the budget: ${blobs.length} blobs`);
  assert.deepEqual(await files(path.join(dir, 'layers-v1', 'tmp')), []);
});

test('defaults, sizes and the cache that is off', async () => {
  assert.equal(defaultLocalCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), '/x/cache/nix-docker');
  assert.equal(defaultLocalCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u'), '/home/u/.cache/nix-docker');
  assert.equal(defaultLocalCacheDir({}, '/home/u'), '/home/u/.cache/nix-docker');
  assert.equal(parseSize('2G'), 2 * 1024 ** 3);
  assert.equal(parseSize('512MiB'), 512 * 1024 ** 2);
  assert.equal(parseSize('1.5GB'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('100'), 100);
  assert.throws(() => parseSize('lots'), /not a size/);
  // A cache directory that cannot be used costs rebuilds and one warning, never the build.
  const notADir = path.join(tmp, 'a-file');
  await fsp.writeFile(notADir, '');
  const broken = open(notADir);
  const l = await layer('broken');
  assert.equal((await broken.cache.lookup([l.key])).size, 0);
  await broken.cache.put(l.key, l.put);
  await broken.cache.flush();
  assert.equal(broken.warnings.length, 1);
  assert.match(broken.warnings[0]!, /^layer cache: cannot use .*a-file \(.*\); layers are neither reused nor kept this run$/);
  assert.equal(broken.cache.stats().misses, 1);

  const off = noCache();
  assert.equal((await off.lookup(['a', 'b', 'a'])).size, 0);
  assert.equal(off.stats().misses, 2);
});
