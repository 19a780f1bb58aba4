// The layer cache in the GitHub Actions cache, through the real @actions/cache client.
// Layers travel in bundle entries listed by an index entry (layout.ts, ../README.md):
//
//   lookup  restore the newest index (prefix match, so a branch finds the default
//           branch's), then only the bundles holding asked-for layers; verify each blob.
//   put     link or copy the new blob into <dir>/staging.
//   flush   group new layers into bundles (plan.ts), apply the budget (LRU), save each
//           kept bundle unless an entry with its key exists, then write a new index when
//           something changed. Saves never throw: a failure warns and the build goes on.
//
// All state (the index as restored, the layers used and put) is kept in
// <dir>/journal.json as well as in memory, so the action's post step can call flush()
// on a fresh instance made with the same options and save what the main step built.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mapLimit } from '../../util/concurrency.ts';
import { silentLogger } from '../../util/log.ts';
import { blobProblem, hexOf, linkOrCopy, readJson, recordOf, recordProblem, storeBlob, writeFileAtomic } from '../files.ts';
import { short } from '../local.ts';
import { Tracker } from '../tracker.ts';
import type { CacheOptions, CachedLayer, LayerCache, LayerPut, LayerRecord, SaveReport } from '../types.ts';
import { realClient, ServiceCalls, type ActionsCacheClient, type RetryOptions } from './client.ts';
import {
  BUNDLE_SCHEMA,
  bundleDir,
  bundleKey,
  emptyIndex,
  indexDir,
  indexKey,
  indexKeyPrefix,
  keyBase,
  parseBundle,
  parseIndex,
  type BundleDoc,
  type BundleInfo,
  type IndexDoc,
} from './layout.ts';
import { DEFAULT_BUNDLE_TARGET, groupLayers, mergeIndex, nextIndex, selectBundles, type PlannedBundle } from './plan.ts';

export const DEFAULT_ACTIONS_BUDGET = 2 * 1024 ** 3;
/** GitHub evicts entries not used for 7 days; an index should not point at them longer. */
export const DEFAULT_ACTIONS_MAX_AGE_MS = 7 * 24 * 3600e3;
/** A run that only reuses layers rewrites the index (to record the use) at most this often. */
export const DEFAULT_REFRESH_MS = 24 * 3600e3;
export const DEFAULT_PREFIX = 'nix-docker';
const JOURNAL_SCHEMA = 'nix-docker-actions-journal/1';

export interface ActionsCacheOptions extends CacheOptions {
  /** Working directory for entries (see defaultActionsCacheDir); entries do not depend on where it is. */
  dir: string;
  /** First part of every key (the `cache-key-prefix` input); default "nix-docker". */
  prefix?: string;
  /** Bundle size to aim for (bytes). */
  bundleTarget?: number;
  refreshAfterMs?: number;
  retry?: RetryOptions;
  /** Entries restored or saved at once (default 3). */
  concurrency?: number;
  client?: ActionsCacheClient;
  /**
   * Pass the client's workflow commands (::add-mask:: for its signed URLs) to stdout.
   * Default: when running under a runner (GITHUB_ACTIONS=true); elsewhere they are dropped.
   */
  runnerCommands?: boolean;
  platform?: string;
  arch?: string;
}

/** `$RUNNER_TEMP/nix-docker-cache`: emptied after each job, as the entries restored there should be. */
export function defaultActionsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'nix-docker-cache');
}

interface Journal {
  schema: typeof JOURNAL_SCHEMA;
  indexLoaded: boolean;
  index?: IndexDoc;
  indexKey?: string;
  /** Bundles restored into <dir> by this job. */
  restored: string[];
  /** Bundles that could not be restored or whose manifest was bad. */
  bad: string[];
  /** Layers whose cached copy was corrupt (their bundle may still serve others). */
  corrupt: string[];
  /** Layer keys found (verified) this job → when. */
  used: Record<string, string>;
  /** Layers put this job, blobs in <dir>/staging. */
  staged: Record<string, LayerRecord>;
}

const freshJournal = (): Journal => ({ schema: JOURNAL_SCHEMA, indexLoaded: false, restored: [], bad: [], corrupt: [], used: {}, staged: {} });

/** The index without the bundles `bundles` and the layers `layers` (a bundle left with no layer goes too). */
function without(index: IndexDoc, bundles: ReadonlySet<string>, layers: ReadonlySet<string>): IndexDoc {
  const kept = Object.fromEntries(Object.entries(index.layers).filter(([k, l]) => !bundles.has(l.bundle) && !layers.has(k)));
  const referenced = new Set(Object.values(kept).map((l) => l.bundle));
  return { ...index, bundles: Object.fromEntries(Object.entries(index.bundles).filter(([id]) => referenced.has(id))), layers: kept };
}

/** A JSON document of an entry, parsed, or why it is unusable. */
async function readDoc<T>(file: string, parse: (raw: unknown) => T | string): Promise<T | string> {
  try {
    const raw = await readJson(file);
    return raw === undefined ? `${path.basename(file)} missing from the entry` : parse(raw);
  } catch (err) {
    return `${path.basename(file)} unreadable: ${(err as Error).message}`;
  }
}

export function actionsCache(opts: ActionsCacheOptions): LayerCache {
  const log = opts.log ?? silentLogger;
  const tracker = new Tracker(opts.onEvent);
  const calls = new ServiceCalls(opts.client ?? realClient, log, tracker, opts.retry, opts.runnerCommands ?? process.env.GITHUB_ACTIONS === 'true');
  const base = keyBase(opts.prefix ?? DEFAULT_PREFIX, opts.platform, opts.arch);
  const root = path.resolve(opts.dir);
  const budget = opts.budget ?? DEFAULT_ACTIONS_BUDGET;
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_ACTIONS_MAX_AGE_MS;
  const refreshAfterMs = opts.refreshAfterMs ?? DEFAULT_REFRESH_MS;
  const concurrency = Math.max(1, opts.concurrency ?? 3);
  const now = opts.now ?? (() => new Date());
  const journalFile = path.join(root, 'journal.json');
  const stagingFile = (digest: string) => path.join(root, 'staging', hexOf(digest));
  const bundleBlob = (id: string, digest: string) => path.join(bundleDir(root, id), 'blobs', hexOf(digest));

  let available: boolean | undefined;
  const isAvailable = () => {
    if (available === undefined) {
      available = calls.isAvailable();
      if (!available) log.info('layer cache: the Actions cache service is not available to this run; layers are built without it');
    }
    return available;
  };

  let journal: Promise<Journal> | undefined;
  const state = () =>
    (journal ??= (async () => {
      await fsp.mkdir(path.join(root, 'staging'), { recursive: true });
      try {
        const j = (await readJson(journalFile)) as Journal | undefined;
        if (j?.schema === JOURNAL_SCHEMA) return j;
      } catch (err) {
        log.warn(`layer cache: ignoring ${journalFile}: ${(err as Error).message}`);
      }
      return freshJournal();
    })());
  let writes = Promise.resolve();
  const persist = async (): Promise<void> => {
    const j = await state();
    writes = writes
      .then(() => writeFileAtomic(journalFile, JSON.stringify(j)))
      .catch((err) => log.warn(`layer cache: could not write ${journalFile}: ${(err as Error).message}`));
    return writes;
  };

  /** Restores the newest index entry into <dir>/index. */
  async function fetchIndex(): Promise<{ doc: IndexDoc; key: string } | undefined> {
    const dir = indexDir(root);
    await fsp.rm(dir, { recursive: true, force: true });
    const prefix = indexKeyPrefix(base);
    const found = await calls.restore(dir, prefix, [prefix]);
    if (found.status === 'failed') {
      log.warn(`layer cache: could not restore the layer index (${found.reason}); layers will be built`);
      return undefined;
    }
    if (found.status === 'none') {
      log.info(`layer cache: no layer index under ${prefix}* yet`);
      return undefined;
    }
    const doc = await readDoc(path.join(dir, 'index.json'), parseIndex);
    if (typeof doc === 'string') {
      log.warn(`layer cache: ignoring the layer index ${found.key} (${doc})`);
      return undefined;
    }
    tracker.emit({ type: 'restore', entry: found.key, bytes: JSON.stringify(doc).length });
    return { doc, key: found.key };
  }

  let indexLoad: Promise<void> | undefined;
  const currentIndex = async (): Promise<IndexDoc> => {
    await (indexLoad ??= (async () => {
      const j = await state();
      if (j.indexLoaded) return;
      const got = await fetchIndex();
      j.index = got?.doc;
      j.indexKey = got?.key;
      j.indexLoaded = true;
      await persist();
    })());
    return (await state()).index ?? emptyIndex();
  };

  const bundleLoads = new Map<string, Promise<BundleDoc | undefined>>();
  const loadBundle = (id: string, info: BundleInfo): Promise<BundleDoc | undefined> => {
    let p = bundleLoads.get(id);
    if (!p) bundleLoads.set(id, (p = restoreBundle(id, info)));
    return p;
  };

  async function restoreBundle(id: string, info: BundleInfo): Promise<BundleDoc | undefined> {
    const j = await state();
    const dir = bundleDir(root, id);
    const manifest = () => readDoc(path.join(dir, 'layers.json'), (raw) => parseBundle(raw, id));
    if (j.restored.includes(id)) {
      const doc = await manifest();
      if (typeof doc !== 'string') return doc;
    }
    await fsp.rm(dir, { recursive: true, force: true });
    const found = await calls.restore(dir, info.key);
    let doc: BundleDoc | string;
    if (found.status === 'hit' && found.key === info.key) doc = await manifest();
    else if (found.status === 'failed') doc = `could not restore it: ${found.reason}`;
    else doc = 'it is no longer in the Actions cache';
    if (typeof doc === 'string') {
      const message = `layer cache: bundle ${info.key} unusable (${doc}); its layers will be rebuilt`;
      if (found.status === 'none') log.info(message);
      else log.warn(message);
      j.bad.push(id);
      await persist();
      return undefined;
    }
    tracker.emit({ type: 'restore', entry: info.key, bytes: info.bytes });
    log.info(`layer cache: restored ${info.key} (${Object.keys(doc.layers).length} layers, ${mib(info.bytes)})`);
    j.restored.push(id);
    await persist();
    return doc;
  }

  /** The verified layer at `blob`, or undefined after discarding it. */
  async function verified(key: string, record: LayerRecord, blob: string): Promise<CachedLayer | undefined> {
    const bad = await blobProblem(blob, record, opts.verify);
    if (bad) {
      log.warn(`layer cache: discarding the cached blob of layer ${short(key)} (${bad}); the layer will be rebuilt`);
      await fsp.rm(blob, { force: true });
      (await state()).corrupt.push(key);
      tracker.emit({ type: 'corrupt', key, digest: record.digest, reason: bad });
      tracker.emit({ type: 'miss', key, reason: 'corrupt' });
      return undefined;
    }
    tracker.emit({ type: 'hit', key, digest: record.digest, bytes: record.compressedSize });
    return { key, ...recordOf(record), blobPath: blob };
  }

  async function lookup(keys: readonly string[]): Promise<Map<string, CachedLayer>> {
    const out = new Map<string, CachedLayer>();
    const unique = [...new Set(keys)];
    if (!isAvailable()) {
      for (const key of unique) tracker.emit({ type: 'miss', key, reason: 'unavailable' });
      return out;
    }
    try {
      await lookupInto(unique, out);
    } catch (err) {
      // A restore that goes wrong costs a rebuild, never the build.
      log.warn(`layer cache: restoring layers failed (${(err as Error).message}); the rest will be built`);
      for (const key of unique) if (!out.has(key)) tracker.emit({ type: 'miss', key, reason: 'unavailable' });
    }
    return out;
  }

  async function lookupInto(unique: string[], out: Map<string, CachedLayer>): Promise<void> {
    const j = await state();
    const index = await currentIndex();
    const byBundle = new Map<string, string[]>();
    for (const key of unique) {
      const staged = j.staged[key];
      if (staged) {
        const hit = await verified(key, staged, stagingFile(staged.digest));
        if (hit) out.set(key, hit);
        else delete j.staged[key];
        continue;
      }
      const l = index.layers[key];
      if (!l || j.bad.includes(l.bundle)) {
        tracker.emit({ type: 'miss', key, reason: l ? 'unavailable' : 'absent' });
        continue;
      }
      byBundle.set(l.bundle, [...(byBundle.get(l.bundle) ?? []), key]);
    }
    await mapLimit([...byBundle], concurrency, async ([id, ks]) => {
      const doc = await loadBundle(id, index.bundles[id]!);
      for (const key of ks) {
        if (!doc) {
          tracker.emit({ type: 'miss', key, reason: 'unavailable' });
          continue;
        }
        const record = doc.layers[key];
        if (!record || record.digest !== index.layers[key]!.digest) {
          const reason = record ? `bundle says ${record.digest}, index says ${index.layers[key]!.digest}` : 'not in its bundle';
          log.warn(`layer cache: discarding layer ${short(key)} (${reason}); the layer will be rebuilt`);
          j.corrupt.push(key);
          tracker.emit({ type: 'corrupt', key, digest: index.layers[key]!.digest, reason });
          tracker.emit({ type: 'miss', key, reason: 'corrupt' });
          continue;
        }
        const hit = await verified(key, record, bundleBlob(id, record.digest));
        if (!hit) continue;
        out.set(key, hit);
        j.used[key] = now().toISOString();
      }
    });
    await persist();
  }

  async function put(key: string, layer: LayerPut): Promise<void> {
    const problem = recordProblem(layer);
    if (problem) throw new Error(`layer cache: put(${short(key)}): ${problem}`);
    if (!isAvailable()) return;
    const record = recordOf(layer);
    try {
      const j = await state();
      const dest = stagingFile(record.digest);
      const st = await fsp.stat(dest).catch(() => undefined);
      if (!(st?.isFile() && st.size === record.compressedSize)) await storeBlob(layer, dest);
      j.staged[key] = record;
      await persist();
      tracker.emit({ type: 'put', key, digest: record.digest, bytes: record.compressedSize });
    } catch (err) {
      log.warn(`layer cache: could not keep layer ${short(key)} for saving: ${(err as Error).message}`);
    }
  }

  async function writeBundle(p: PlannedBundle): Promise<string> {
    const dir = bundleDir(root, p.id);
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.mkdir(path.join(dir, 'blobs'), { recursive: true });
    const layers: Record<string, LayerRecord> = {};
    for (const l of p.layers) {
      layers[l.key] = l.record;
      const dest = bundleBlob(p.id, l.record.digest);
      if (!(await fsp.stat(dest).catch(() => undefined))) await linkOrCopy(stagingFile(l.record.digest), dest);
    }
    const doc: BundleDoc = { schema: BUNDLE_SCHEMA, id: p.id, layers };
    await fsp.writeFile(path.join(dir, 'layers.json'), `${JSON.stringify(doc)}\n`);
    return dir;
  }

  async function flush(): Promise<SaveReport> {
    const report: SaveReport = { saved: [], skipped: [], failed: [], evicted: [], bytesSaved: 0 };
    if (!isAvailable()) return report;
    try {
      await save(report);
    } catch (err) {
      log.warn(`layer cache: saving layers failed: ${(err as Error).message}`);
    }
    return report;
  }

  async function save(report: SaveReport): Promise<void> {
    const j = await state();
    const index0 = await currentIndex();
    const t = now().getTime();
    const bad = new Set(j.bad);
    const corrupt = new Set(j.corrupt);
    const usedBundles = new Set(Object.keys(j.used).flatMap((k) => (index0.layers[k] ? [index0.layers[k]!.bundle] : [])));
    const stale = [...usedBundles].some((id) => index0.bundles[id] && t - Date.parse(index0.bundles[id]!.lastUsed) > refreshAfterMs);
    const goodKey = (k: string) => index0.layers[k] && !bad.has(index0.layers[k]!.bundle) && !corrupt.has(k);
    const pending = Object.entries(j.staged).filter(([k]) => !goodKey(k));
    const badListed = [...bad].some((id) => index0.bundles[id]) || [...corrupt].some((k) => index0.layers[k]);
    if (!pending.length && !stale && !badListed) {
      log.debug('layer cache: nothing new to save');
      return;
    }

    // Another job may have written an index since ours was restored: build on both.
    let index = index0;
    const latest = await fetchIndex();
    if (latest && latest.key !== j.indexKey) index = mergeIndex(index0, latest.doc);
    index = without(index, bad, corrupt);

    const fresh = Object.entries(j.staged)
      .filter(([k]) => !index.layers[k])
      .map(([key, record]) => ({ key, record }));
    const planned = groupLayers(fresh, opts.bundleTarget ?? DEFAULT_BUNDLE_TARGET, bad);
    const selection = selectBundles(
      [
        ...Object.entries(index.bundles).map(([id, b]) => ({ id, bytes: b.bytes, lastUsed: usedBundles.has(id) ? t : Date.parse(b.lastUsed), existing: true })),
        ...planned.map((p) => ({ id: p.id, bytes: p.bytes, lastUsed: t, existing: false })),
      ],
      budget,
      t,
      maxAgeMs,
    );
    for (const e of selection.evicted) {
      const keys = index.bundles[e.id]
        ? Object.entries(index.layers).flatMap(([k, l]) => (l.bundle === e.id ? [[k, l.compressedSize] as const] : []))
        : (planned.find((p) => p.id === e.id)?.layers.map((l) => [l.key, l.record.compressedSize] as const) ?? []);
      for (const [key, bytes] of keys) {
        report.evicted.push(key);
        tracker.emit({ type: 'evict', key, bytes, reason: e.reason });
      }
    }
    if (selection.evicted.some((e) => e.reason === 'budget' && !index.bundles[e.id])) {
      log.info(`layer cache: the budget (${mib(budget)}) leaves some new layers unsaved`);
    }

    const added: { id: string; key: string; bytes: number; layers: PlannedBundle['layers'] }[] = [];
    let stopped: string | undefined;
    await mapLimit(
      planned.filter((p) => selection.keep.has(p.id)),
      concurrency,
      async (p) => {
        const key = bundleKey(base, p.id);
        if (stopped) {
          report.failed.push({ entry: key, reason: stopped });
          return;
        }
        const outcome = await calls.save(await writeBundle(p), key);
        const layers = p.layers.map((l) => l.key);
        switch (outcome.status) {
          case 'saved':
            added.push({ id: p.id, key, bytes: p.bytes, layers: p.layers });
            report.saved.push({ entry: key, layers, bytes: p.bytes });
            report.bytesSaved += p.bytes;
            tracker.emit({ type: 'save', entry: key, layers: layers.length, bytes: p.bytes });
            log.info(`layer cache: saved ${key} (${layers.length} layers, ${mib(p.bytes)})`);
            break;
          case 'exists':
          case 'reserved':
            if (outcome.status === 'exists') added.push({ id: p.id, key, bytes: p.bytes, layers: p.layers });
            report.skipped.push({ entry: key, reason: outcome.status });
            tracker.emit({ type: 'skip', entry: key, reason: outcome.status });
            log.info(`layer cache: not saving ${key}: ${outcome.status === 'exists' ? 'it exists already' : 'another job is saving it'}`);
            break;
          case 'failed':
            report.failed.push({ entry: key, reason: outcome.reason });
            log.warn(`layer cache: could not save ${key}: ${outcome.reason}`);
            if (outcome.final) stopped = outcome.reason;
            break;
        }
      },
    );

    const keep = new Set([...Object.keys(index.bundles).filter((id) => selection.keep.has(id)), ...added.map((a) => a.id)]);
    const dropped = Object.keys(index0.bundles).some((id) => !keep.has(id)) || [...corrupt].some((k) => index0.layers[k]);
    if (added.length || dropped || stale) {
      const next = nextIndex({ previous: index, keep, added, used: usedBundles, now: now() });
      const dir = indexDir(root);
      await fsp.rm(dir, { recursive: true, force: true });
      await fsp.mkdir(dir, { recursive: true });
      const body = `${JSON.stringify(next)}\n`;
      await fsp.writeFile(path.join(dir, 'index.json'), body);
      const key = indexKey(base, now(), body);
      const outcome = stopped ? { status: 'failed' as const, reason: stopped } : await calls.save(dir, key, false);
      if (outcome.status === 'saved') {
        report.index = key;
        report.saved.push({ entry: key, layers: [], bytes: body.length });
        report.bytesSaved += body.length;
        tracker.emit({ type: 'save', entry: key, layers: 0, bytes: body.length });
        j.index = next;
        j.indexKey = key;
        j.used = {};
        j.bad = [];
        j.corrupt = [];
      } else {
        report.failed.push({ entry: key, reason: outcome.status === 'failed' ? outcome.reason : outcome.status });
        log.warn(`layer cache: could not save the layer index ${key}: ${outcome.status === 'failed' ? outcome.reason : outcome.status}`);
      }
    }
    j.staged = {};
    await persist();
  }

  // Inside the job's working directory (RUNNER_TEMP by default, emptied after each job).
  const scratchDir = async (): Promise<string> => {
    const dir = path.join(root, 'scratch');
    await fsp.mkdir(dir, { recursive: true });
    return dir;
  };

  return { kind: 'actions', lookup, put, flush, scratchDir, stats: () => tracker.stats() };
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
