// What an image is made of, as the SBOM and the provenance state it: every store path
// of its store layers with the layer that holds it, its NAR hash and size, and its
// references. Pure: the Nix queries are made by the caller (src/nix/pathInfo.ts).

import type { PathInfo } from '../nix/pathInfo.ts';
import type { PackageMeta } from '../nix/meta.ts';

export { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.ts';

export interface StorePackage {
  path: string;
  /** `builtins.parseDrvName` of the path's name (after the hash). */
  name: string;
  version: string;
  /** hex */
  narHash: string;
  narSize: number;
  /** Other paths of the image it refers to (sorted; never itself). */
  references: string[];
  deriver?: string;
  /** Index of the image layer holding it (base layers counted) and that layer's diff_id. */
  layer: { index: number; diffId?: string };
  /** The derivation's meta, where the path was named as a Nix file or flake installable. */
  meta?: PackageMeta;
}

export interface ImageContents {
  name: string;
  tag: string;
  /** ISO-8601, seconds: the image's `created` (the only time an SBOM carries). */
  created: string;
  architecture: string;
  os: string;
  packages: StorePackage[];
}

/**
 * `builtins.parseDrvName`: the version starts at the first dash followed by a
 * non-letter; the name is what comes before.
 */
export function parseDrvName(s: string): { name: string; version: string } {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '-' && i + 1 < s.length && !/[A-Za-z]/.test(s[i + 1]!)) return { name: s.slice(0, i), version: s.slice(i + 1) };
  }
  return { name: s, version: '' };
}

/** The name of a store path without its directory and hash. */
export function storePathName(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.slice(base.indexOf('-') + 1);
}

/** The hash part of a store path. */
export function storePathHash(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.slice(0, base.indexOf('-'));
}

/**
 * The packages of an image: `layers` are the image's layers in order (their `paths`
 * name the store paths of store layers), `diffIds` their diff_ids when known.
 */
export function imagePackages(
  infos: readonly PathInfo[],
  layers: readonly { paths: readonly string[] }[],
  diffIds: readonly (string | undefined)[],
  meta: ReadonlyMap<string, PackageMeta> = new Map(),
): StorePackage[] {
  const inImage = new Set(infos.map((i) => i.path));
  const layerOf = new Map<string, number>();
  layers.forEach((l, i) => l.paths.forEach((p) => inImage.has(p) && !layerOf.has(p) && layerOf.set(p, i)));
  return [...infos]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((info) => {
      const index = layerOf.get(info.path);
      if (index === undefined) throw new Error(`${info.path} is in no layer of the image`);
      const diffId = diffIds[index];
      return {
        path: info.path,
        ...parseDrvName(storePathName(info.path)),
        narHash: info.narHash,
        narSize: info.narSize,
        references: info.references.filter((r) => r !== info.path && inImage.has(r)).sort(),
        ...(info.deriver ? { deriver: info.deriver } : {}),
        layer: { index, ...(diffId ? { diffId } : {}) },
        ...(meta.has(info.path) ? { meta: meta.get(info.path) } : {}),
      };
    });
}

/** Paths no other path of the image refers to: what the image was asked to hold. */
export function topLevel(packages: readonly StorePackage[]): string[] {
  const referred = new Set(packages.flatMap((p) => p.references));
  return packages.map((p) => p.path).filter((p) => !referred.has(p));
}

/** Canonical JSON: sorted keys at every level, so equal documents are equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
