// The pure part of saving to the Actions cache: which new layers share a bundle entry,
// which bundles stay within the budget, and the next index. No I/O here.

import type { LayerRecord } from '../types.ts';
import { bundleId, type BundleInfo, type IndexDoc, type IndexedLayer, INDEX_SCHEMA } from './layout.ts';

/** Layers under 1 MiB are "small": they share one bundle (up to the target size). */
export const SMALL_LAYER = 1 << 20;
/** Bundle size to aim for; a layer of a quarter of it or more gets a bundle of its own. */
export const DEFAULT_BUNDLE_TARGET = 128 << 20;

export interface NewLayer {
  key: string;
  record: LayerRecord;
}

export interface PlannedBundle {
  id: string;
  layers: NewLayer[];
  bytes: number;
}

export type SizeClass = 'small' | 'medium' | 'large';

export function sizeClass(bytes: number, target = DEFAULT_BUNDLE_TARGET): SizeClass {
  if (bytes < SMALL_LAYER) return 'small';
  return bytes >= target / 4 ? 'large' : 'medium';
}

/**
 * Groups new layers into bundles: small layers together, medium ones packed up to
 * `target` bytes, large ones alone; within a class in key order, so the same layers give
 * the same bundles (and the same entry keys) on every runner. A bundle whose id is in
 * `avoid` (an entry found broken) gets a salted id, so it is not taken for that entry.
 */
export function groupLayers(layers: readonly NewLayer[], target = DEFAULT_BUNDLE_TARGET, avoid: ReadonlySet<string> = new Set()): PlannedBundle[] {
  const sorted = [...layers].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const groups: NewLayer[][] = [];
  for (const cls of ['small', 'medium', 'large'] as const) {
    let current: NewLayer[] = [];
    let bytes = 0;
    for (const l of sorted) {
      if (sizeClass(l.record.compressedSize, target) !== cls) continue;
      const size = l.record.compressedSize;
      if (cls === 'large' || (current.length > 0 && bytes + size > target)) {
        if (current.length) groups.push(current);
        current = [];
        bytes = 0;
      }
      current.push(l);
      bytes += size;
    }
    if (current.length) groups.push(current);
  }
  return groups.map((g) => {
    const pairs = g.map((l) => ({ key: l.key, digest: l.record.digest }));
    let id = bundleId(pairs);
    for (let n = 1; avoid.has(id); n++) id = bundleId(pairs, `retry-${n}`);
    return { id, layers: g, bytes: g.reduce((a, l) => a + l.record.compressedSize, 0) };
  });
}

export interface Candidate {
  id: string;
  bytes: number;
  /** ms since the epoch. */
  lastUsed: number;
  /** Already in the cache (keeping it costs no upload). */
  existing: boolean;
}

export interface Selection {
  keep: Set<string>;
  evicted: { id: string; reason: 'budget' | 'age' }[];
}

/**
 * Least recently used first out: bundles in order of last use (newest first; at equal
 * times those already stored, then smaller ones), each kept while the total fits the
 * budget; bundles unused for longer than `maxAgeMs` are dropped whatever the budget.
 */
export function selectBundles(candidates: readonly Candidate[], budget: number, now: number, maxAgeMs: number): Selection {
  const order = [...candidates].sort(
    (a, b) => b.lastUsed - a.lastUsed || Number(b.existing) - Number(a.existing) || a.bytes - b.bytes || (a.id < b.id ? -1 : 1),
  );
  const keep = new Set<string>();
  const evicted: Selection['evicted'] = [];
  let total = 0;
  for (const c of order) {
    if (now - c.lastUsed > maxAgeMs) evicted.push({ id: c.id, reason: 'age' });
    else if (total + c.bytes <= budget) {
      keep.add(c.id);
      total += c.bytes;
    } else evicted.push({ id: c.id, reason: 'budget' });
  }
  return { keep, evicted };
}

/** Two views of the index (ours and one another job wrote meanwhile) as one. */
export function mergeIndex(mine: IndexDoc, theirs: IndexDoc): IndexDoc {
  const bundles: Record<string, BundleInfo> = { ...theirs.bundles };
  for (const [id, b] of Object.entries(mine.bundles)) {
    const other = bundles[id];
    bundles[id] = other && Date.parse(other.lastUsed) > Date.parse(b.lastUsed) ? other : b;
  }
  return {
    schema: INDEX_SCHEMA,
    written: mine.written > theirs.written ? mine.written : theirs.written,
    bundles,
    layers: { ...theirs.layers, ...mine.layers },
  };
}

export interface NextIndexInput {
  previous: IndexDoc;
  /** Bundles of `previous` and of `added` to keep. */
  keep: ReadonlySet<string>;
  /** New bundle entries (saved now, or found already saved). */
  added: { id: string; key: string; bytes: number; layers: readonly NewLayer[] }[];
  /** Bundles a layer of which this build used. */
  used: ReadonlySet<string>;
  now: Date;
}

export function nextIndex({ previous, keep, added, used, now }: NextIndexInput): IndexDoc {
  const stamp = now.toISOString();
  const bundles: Record<string, BundleInfo> = {};
  const layers: Record<string, IndexedLayer> = {};
  for (const [id, b] of Object.entries(previous.bundles)) {
    if (keep.has(id)) bundles[id] = used.has(id) ? { ...b, lastUsed: stamp } : b;
  }
  for (const [key, l] of Object.entries(previous.layers)) if (bundles[l.bundle]) layers[key] = l;
  for (const a of added) {
    if (!keep.has(a.id)) continue;
    bundles[a.id] = { key: a.key, bytes: a.bytes, lastUsed: stamp };
    for (const l of a.layers) layers[l.key] = { ...l.record, bundle: a.id };
  }
  // A bundle none of whose layers the index points at any more is dead weight.
  const referenced = new Set(Object.values(layers).map((l) => l.bundle));
  for (const id of Object.keys(bundles)) if (!referenced.has(id)) delete bundles[id];
  return { schema: INDEX_SCHEMA, written: stamp, bundles, layers };
}
