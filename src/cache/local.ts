// The layer cache in a local directory, for the CLI. Layout under <dir>/layers-v1/:
//
//   blobs/sha256/<hex>         compressed layer blobs, content-addressed (two keys with
//                              the same bytes share one file)
//   records/<sha256(key)>.json the layer's record (key, diff_id, digest, sizes,
//                              compressor, and the blob's stat when its bytes were last
//                              known good); its mtime is the layer's last use
//   tmp/                       files being written; renamed into place when complete
//
// Every file appears by rename(2) once complete, blob before record, so a crash at any
// point leaves at most a stray temporary file or an unreferenced blob (both collected
// later), never a record without its whole blob. Several processes may share the
// directory: writes are renames of identical content, and eviction leaves alone what
// was used or written during the last `graceMs`, which another build may be reading.
//
// A blob is hashed when it is stored and whenever its stat (inode, size, mtime, ctime)
// differs from the one its record keeps: unchanged since it was known good, it is not
// read again at lookup (a warm rebuild would otherwise hash every cached byte first).
// Any write through the file system moves ctime, which no caller can set back, so a
// blob edited, truncated or replaced since is verified in full, as is one restored
// from elsewhere. This is git's index trick; it does not catch bits rotting on disk.

import { createHash } from 'node:crypto';
import type fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mapLimit } from '../util/concurrency.ts';
import { silentLogger } from '../util/log.ts';
import { blobProblem, hexOf, readJson, recordOf, recordProblem, storeBlob, tempBeside, writeFileAtomic } from './files.ts';
import { Tracker } from './tracker.ts';
import type { CacheOptions, CachedLayer, LayerCache, LayerPut, LayerRecord, SaveReport } from './types.ts';

export const DEFAULT_LOCAL_BUDGET = 8 * 1024 ** 3;
export const DEFAULT_LOCAL_MAX_AGE_MS = 30 * 24 * 3600e3;
export const DEFAULT_GRACE_MS = 10 * 60e3;
const SCHEMA = 'nix-docker-layer/1';

export interface LocalCacheOptions extends CacheOptions {
  /** What was used or written this recently is never evicted or collected (ms). */
  graceMs?: number;
}

/** `$XDG_CACHE_HOME/nix-docker`, else `~/.cache/nix-docker`. */
export function defaultLocalCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'nix-docker');
}

interface StoredRecord extends LayerRecord {
  schema: string;
  key: string;
  /** The blob's stat when its bytes last matched the digest (see above). */
  verifiedStat?: string;
}

const statStamp = (st: fs.Stats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

interface Listed {
  file: string;
  key: string;
  digest: string;
  bytes: number;
  mtimeMs: number;
}

/** Removes a cache entry whatever took its place (a directory too), so the cache heals. */
const HEAL = { recursive: true, force: true } as const;

export function localDirCache(dir: string, opts: LocalCacheOptions = {}): LayerCache {
  const log = opts.log ?? silentLogger;
  const tracker = new Tracker(opts.onEvent);
  const budget = opts.budget ?? DEFAULT_LOCAL_BUDGET;
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_LOCAL_MAX_AGE_MS;
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const now = opts.now ?? (() => new Date());
  const root = path.join(dir, 'layers-v1');
  const blobsDir = path.join(root, 'blobs', 'sha256');
  const recordsDir = path.join(root, 'records');
  const tmpDir = path.join(root, 'tmp');
  const blobFile = (digest: string) => path.join(blobsDir, hexOf(digest));
  const recordFile = (key: string) => path.join(recordsDir, `${createHash('sha256').update(key).digest('hex')}.json`);
  const tmpFor = (file: string) => path.join(tmpDir, path.basename(tempBeside(file)));
  const putThisRun = new Map<string, LayerRecord>();
  let ready: Promise<void> | undefined;
  // A cache directory that cannot be made (read-only: Node's recursive mkdir then says
  // ENOENT) is said once; lookups, puts and the budget then pass over it quietly.
  let unusable: unknown;
  const ensureDirs = () =>
    (ready ??= Promise.all([blobsDir, recordsDir, tmpDir].map((d) => fsp.mkdir(d, { recursive: true }))).then(
      () => {},
      (err: unknown) => {
        unusable = err;
        log.warn(`layer cache: cannot use ${dir} (${(err as Error).message}; read-only?); layers are neither reused nor kept this run`);
        throw err;
      },
    ));

  const touch = async (file: string) => {
    const t = now();
    await fsp.utimes(file, t, t).catch(() => {});
  };

  async function lookupOne(key: string): Promise<CachedLayer | undefined> {
    const file = recordFile(key);
    let raw: unknown;
    try {
      raw = await readJson(file);
    } catch (err) {
      raw = { unreadable: (err as Error).message };
    }
    if (raw === undefined) {
      tracker.emit({ type: 'miss', key, reason: 'absent' });
      return undefined;
    }
    const stored = raw as Partial<StoredRecord>;
    const problem = stored.schema !== SCHEMA ? 'unknown schema' : stored.key !== key ? 'record of another key' : recordProblem(stored);
    if (problem) {
      log.warn(`layer cache: discarding the record of layer ${short(key)} (${problem}); the layer will be rebuilt`);
      await fsp.rm(file, HEAL);
      tracker.emit({ type: 'corrupt', key, digest: String(stored.digest ?? ''), reason: problem });
      tracker.emit({ type: 'miss', key, reason: 'corrupt' });
      return undefined;
    }
    const record = recordOf(stored as StoredRecord);
    const blob = blobFile(record.digest);
    const before = await fsp.stat(blob).catch(() => undefined);
    const unchanged = before?.isFile() && opts.verify !== 'full' && stored.verifiedStat === statStamp(before);
    const bad = unchanged ? undefined : await blobProblem(blob, record, opts.verify);
    if (bad === 'blob missing') {
      // Evicted by another process between its record and its blob, or never written whole.
      await fsp.rm(file, HEAL);
      tracker.emit({ type: 'miss', key, reason: 'absent' });
      return undefined;
    }
    if (bad) {
      log.warn(`layer cache: discarding the cached blob of layer ${short(key)} (${bad}); the layer will be rebuilt`);
      await Promise.all([fsp.rm(file, HEAL), fsp.rm(blob, HEAL)]);
      tracker.emit({ type: 'corrupt', key, digest: record.digest, reason: bad });
      tracker.emit({ type: 'miss', key, reason: 'corrupt' });
      return undefined;
    }
    if (unchanged) await touch(file);
    else await writeRecord(key, record, blob).catch(() => touch(file));
    tracker.emit({ type: 'hit', key, digest: record.digest, bytes: record.compressedSize, verified: !unchanged });
    return { key, ...record, blobPath: blob };
  }

  /** Writes the record of `key`; `knownGood`: stamped with the stat of its blob. */
  async function writeRecord(key: string, record: LayerRecord, blob: string, knownGood = true): Promise<void> {
    const verifiedStat = knownGood ? statStamp(await fsp.stat(blob)) : undefined;
    const file = recordFile(key);
    const stored: StoredRecord = { schema: SCHEMA, key, ...record, ...(verifiedStat ? { verifiedStat } : {}) };
    await writeFileAtomic(file, `${JSON.stringify(stored)}\n`, tmpFor(file));
  }

  async function list(): Promise<Listed[]> {
    const names = await fsp.readdir(recordsDir).catch(() => [] as string[]);
    const out = await mapLimit(names, 16, async (name): Promise<Listed | undefined> => {
      const file = path.join(recordsDir, name);
      try {
        const [st, raw] = await Promise.all([fsp.stat(file), readJson(file)]);
        const r = raw as Partial<StoredRecord>;
        if (!r || recordProblem(r)) return { file, key: String(r?.key ?? name), digest: '', bytes: 0, mtimeMs: 0 };
        return { file, key: r.key!, digest: r.digest!, bytes: r.compressedSize!, mtimeMs: st.mtimeMs };
      } catch {
        return undefined; // removed meanwhile, or being replaced
      }
    });
    return out.filter((x): x is Listed => x !== undefined);
  }

  /** Drops aged and least recently used records until the blobs they hold fit the budget. */
  async function evict(): Promise<string[]> {
    const t = now().getTime();
    const records = (await list()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    const refs = new Map<string, number>();
    const sizes = new Map<string, number>();
    for (const r of records) {
      if (!r.digest) continue;
      refs.set(r.digest, (refs.get(r.digest) ?? 0) + 1);
      sizes.set(r.digest, r.bytes);
    }
    let total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const evicted: string[] = [];
    for (const r of records) {
      const young = t - r.mtimeMs < graceMs;
      const aged = t - r.mtimeMs > maxAgeMs;
      if (r.digest && !aged && (young || total <= budget)) continue;
      await fsp.rm(r.file, { force: true });
      if (!r.digest) continue;
      evicted.push(r.key);
      tracker.emit({ type: 'evict', key: r.key, bytes: r.bytes, reason: aged ? 'age' : 'budget' });
      const left = refs.get(r.digest)! - 1;
      refs.set(r.digest, left);
      if (left === 0) {
        await fsp.rm(blobFile(r.digest), { force: true });
        total -= r.bytes;
      }
    }
    return evicted;
  }

  /** Removes stray temporary files and blobs no record names, once older than the grace period. */
  async function collect(): Promise<void> {
    const t = Date.now();
    const live = new Set((await list()).map((r) => (r.digest ? hexOf(r.digest) : '')));
    for (const [d, isLive] of [
      [tmpDir, () => false],
      [blobsDir, (n: string) => live.has(n)],
    ] as const) {
      for (const name of await fsp.readdir(d).catch(() => [] as string[])) {
        if (isLive(name)) continue;
        const file = path.join(d, name);
        const st = await fsp.stat(file).catch(() => undefined);
        if (st && t - st.mtimeMs >= graceMs) await fsp.rm(file, { force: true });
      }
    }
  }

  const failedPuts = new Set<string>();
  return {
    kind: 'local',
    async lookup(keys) {
      const out = new Map<string, CachedLayer>();
      const unique = [...new Set(keys)];
      try {
        await ensureDirs();
        await mapLimit(unique, 4, async (k) => {
          const l = await lookupOne(k);
          if (l) out.set(k, l);
        });
      } catch (err) {
        // An unreadable cache costs a rebuild, never the build.
        if (err !== unusable) log.warn(`layer cache: reading ${dir} failed (${(err as Error).message}); the rest will be built`);
        for (const key of unique) if (!out.has(key)) tracker.emit({ type: 'miss', key, reason: 'unavailable' });
      }
      return out;
    },
    async put(key, layer: LayerPut) {
      const problem = recordProblem(layer);
      if (problem) throw new Error(`layer cache: put(${short(key)}): ${problem}`);
      const record = recordOf(layer);
      try {
        await ensureDirs();
        const blob = blobFile(record.digest);
        const st = await fsp.stat(blob).catch(() => undefined);
        const present = st?.isFile() === true && st.size === record.compressedSize;
        if (st?.isDirectory()) await fsp.rm(blob, HEAL);
        if (present) await touch(blob);
        else {
          await storeBlob(layer, blob, tmpFor(blob));
          await touch(blob);
        }
        // storeBlob checked the bytes it copied (a whole file it cloned is one the caller
        // has just written and hashed); a blob found in place is verified at its next lookup.
        await writeRecord(key, record, blob, !present);
        await touch(recordFile(key));
        putThisRun.set(key, record);
        tracker.emit({ type: 'put', key, digest: record.digest, bytes: record.compressedSize });
      } catch (err) {
        // A read-only or full cache fails every put with the same system error: said once, then only in debug.
        const code = (err as NodeJS.ErrnoException).code;
        if (err === unusable || (code && failedPuts.has(code))) log.debug(`layer cache: could not store layer ${short(key)}: ${(err as Error).message}`);
        else if (code) log.warn(`layer cache: could not store layer ${short(key)} in ${dir} (${(err as Error).message}); layers this run makes are not kept`);
        else log.warn(`layer cache: could not store layer ${short(key)}: ${(err as Error).message}`);
        if (code) failedPuts.add(code);
      }
    },
    async flush(): Promise<SaveReport> {
      const report: SaveReport = { saved: [], skipped: [], failed: [], evicted: [], bytesSaved: 0 };
      for (const [key, r] of putThisRun) {
        report.saved.push({ entry: key, layers: [key], bytes: r.compressedSize });
        report.bytesSaved += r.compressedSize;
      }
      putThisRun.clear();
      try {
        await ensureDirs();
        report.evicted = await evict();
        await collect();
      } catch (err) {
        if (err !== unusable) log.warn(`layer cache: could not apply the budget to ${dir}: ${(err as Error).message}`);
      }
      return report;
    },
    async scratchDir() {
      await ensureDirs();
      return tmpDir; // collect() removes what a crashed run left there
    },
    stats: () => tracker.stats(),
  };
}

export const short = (key: string): string => (key.length > 16 ? `${key.slice(0, 12)}…` : key);
