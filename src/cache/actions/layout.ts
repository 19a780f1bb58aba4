// What the Actions cache entries hold, and their keys (see ../README.md):
//
//   <prefix>-<os>-<arch>-layers-v1-index-<time>-<hash>   one small JSON file: which bundles
//                                                        exist, which layer is in which
//   <prefix>-<os>-<arch>-layers-v1-bundle-<id>           a bundle: layers.json + blobs/<hex>
//
// Entries are directories under one root (RUNNER_TEMP/nix-docker-cache by default):
// <root>/index, <root>/b-<id>. The client is given the directory's name alone (the path
// it is given is part of the entry's version; see clientDirectory.ts), so an entry saved
// under one RUNNER_TEMP restores under any other.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { recordProblem } from '../files.ts';
import type { LayerRecord } from '../types.ts';

export const INDEX_SCHEMA = 'nix-docker-layer-index/1';
export const BUNDLE_SCHEMA = 'nix-docker-layer-bundle/1';
const MAX_PREFIX = 200;

export interface BundleInfo {
  /** The Actions cache key of the bundle entry. */
  key: string;
  /** Bytes of its blobs. */
  bytes: number;
  /** When a build last used one of its layers (ISO time), for LRU and ageing. */
  lastUsed: string;
}

export interface IndexedLayer extends LayerRecord {
  bundle: string;
}

export interface IndexDoc {
  schema: typeof INDEX_SCHEMA;
  written: string;
  bundles: Record<string, BundleInfo>;
  layers: Record<string, IndexedLayer>;
}

export interface BundleDoc {
  schema: typeof BUNDLE_SCHEMA;
  id: string;
  layers: Record<string, LayerRecord>;
}

export const emptyIndex = (): IndexDoc => ({ schema: INDEX_SCHEMA, written: new Date(0).toISOString(), bundles: {}, layers: {} });

/** The key stem shared by every entry: `<prefix>-<os>-<arch>-layers-v1`. */
export function keyBase(prefix: string, platform: string = process.platform, arch: string = process.arch): string {
  if (!prefix) throw new Error('cache-key-prefix is empty');
  if (prefix.length > MAX_PREFIX) throw new Error(`cache-key-prefix is longer than ${MAX_PREFIX} characters`);
  if (prefix.includes(',')) throw new Error('cache-key-prefix cannot contain commas (the Actions cache forbids them in keys)');
  return `${prefix}-${platform}-${arch}-layers-v1`;
}

export const indexKeyPrefix = (base: string): string => `${base}-index-`;

/** A fresh, unique index key: entries are immutable, so every new index gets its own. */
export function indexKey(base: string, now: Date, body: string): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${indexKeyPrefix(base)}${stamp}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
}

export const bundleKey = (base: string, id: string): string => `${base}-bundle-${id}`;
export const indexDir = (root: string): string => path.join(root, 'index');
export const bundleDir = (root: string, id: string): string => path.join(root, `b-${id}`);

/** Content address of a bundle: its layer keys with their digests. */
export function bundleId(layers: readonly { key: string; digest: string }[], salt = ''): string {
  const pairs = layers.map((l) => [l.key, l.digest]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return createHash('sha256').update(JSON.stringify({ salt, pairs })).digest('hex').slice(0, 32);
}

const ID = /^[0-9a-f]{32}$/;

/** The index, or why it is unusable. */
export function parseIndex(raw: unknown): IndexDoc | string {
  const x = raw as Partial<IndexDoc> | null;
  if (!x || typeof x !== 'object' || x.schema !== INDEX_SCHEMA) return 'unknown schema';
  if (!x.bundles || typeof x.bundles !== 'object' || !x.layers || typeof x.layers !== 'object') return 'no bundles or layers';
  for (const [id, b] of Object.entries(x.bundles)) {
    if (!ID.test(id) || typeof b?.key !== 'string' || !Number.isSafeInteger(b.bytes) || Number.isNaN(Date.parse(b.lastUsed))) return `bad bundle ${id}`;
  }
  for (const [key, l] of Object.entries(x.layers)) {
    const p = recordProblem(l);
    if (p) return `layer ${key}: ${p}`;
    if (!x.bundles[l.bundle]) return `layer ${key} in an unknown bundle`;
  }
  return x as IndexDoc;
}

/** A bundle's manifest, or why it is unusable. */
export function parseBundle(raw: unknown, id: string): BundleDoc | string {
  const x = raw as Partial<BundleDoc> | null;
  if (!x || typeof x !== 'object' || x.schema !== BUNDLE_SCHEMA) return 'unknown schema';
  if (x.id !== id) return `manifest of bundle ${String(x.id)}`;
  if (!x.layers || typeof x.layers !== 'object') return 'no layers';
  for (const [key, l] of Object.entries(x.layers)) {
    const p = recordProblem(l);
    if (p) return `layer ${key}: ${p}`;
  }
  return x as BundleDoc;
}
