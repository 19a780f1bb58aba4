// The layer cache: built layers kept by key so an unchanged layer is never tarred,
// hashed or compressed again. Two backends behind one interface (./types.ts): a local
// directory for the CLI, the GitHub Actions cache in CI. See README.md for the layout.
// The Actions backend is imported from ./actions/index.ts, not from here: it brings
// @actions/cache and the Azure SDK (4 MB, 0.15 s and 50 MB at every CLI start).

import { Tracker } from './tracker.ts';
import type { CacheOptions, LayerCache, SaveReport } from './types.ts';

export type {
  CacheEvent,
  CacheOptions,
  CacheStats,
  CachedLayer,
  Compressor,
  LayerCache,
  LayerPut,
  LayerRecord,
  MissReason,
  SaveReport,
  SavedEntry,
} from './types.ts';
export { DEFAULT_GRACE_MS, DEFAULT_LOCAL_BUDGET, DEFAULT_LOCAL_MAX_AGE_MS, defaultLocalCacheDir, localDirCache, type LocalCacheOptions } from './local.ts';
export { blobProblem } from './files.ts';
export { ScratchCopy } from './scratchCopy.ts';

/** Cache off: every lookup misses, nothing is kept. */
export function noCache(opts: Pick<CacheOptions, 'onEvent'> = {}): LayerCache {
  const tracker = new Tracker(opts.onEvent);
  return {
    kind: 'none',
    lookup: async (keys) => {
      for (const key of new Set(keys)) tracker.emit({ type: 'miss', key, reason: 'absent' });
      return new Map();
    },
    put: async () => {},
    flush: async (): Promise<SaveReport> => ({ saved: [], skipped: [], failed: [], evicted: [], bytesSaved: 0 }),
    stats: () => tracker.stats(),
  };
}

/** Parses a size such as `2G`, `512MiB`, `1.5GB` or `1073741824` (bytes; K/M/G/T are powers of 1024). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (try 2G or 512M)`);
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}
