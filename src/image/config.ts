// The image config (what `<digest>.json` holds) and manifest.json, shaped as nixpkgs'
// streamer writes them: same keys, same order, Python's json formatting.

import { createHash } from 'node:crypto';
import { pythonJson, sortKeysDeep } from './pyjson.ts';
import { toNixBase32 } from '../nix/base32.ts';

export interface LayerRecord {
  /** `sha256:<hex>` of the uncompressed layer tar. */
  diffId: string;
  /** What the history comment lists: store paths, or the base member's name. */
  paths: string[];
}

export interface ImageConfigInput {
  created: string;
  architecture: string;
  /** OCI's architecture variant (`v7` for linux/arm/v7); absent from single-platform configs, as in dockerTools. */
  variant?: string;
  config: Record<string, unknown> | null;
  /** The base image's `config` object (only Env is inherited). */
  baseConfig?: Record<string, unknown> | null;
  layers: LayerRecord[];
}

/** Base Env, then ours; a variable keeps its first position and takes its last value (child wins). */
export function mergeEnv(base: unknown, own: unknown): string[] | undefined {
  const list = [...(Array.isArray(base) ? base : []), ...(Array.isArray(own) ? own : [])].map(String);
  if (list.length === 0) return undefined;
  const byName = new Map<string, string>();
  for (const entry of list) byName.set(entry.split('=', 1)[0]!, entry);
  return [...byName.values()];
}

function pyRepr(list: string[]): string {
  return `[${list.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

export function imageConfig(input: ImageConfigInput): Record<string, unknown> {
  const config = sortKeysDeep(input.config ?? {}) as Record<string, unknown>;
  if (input.baseConfig) {
    const env = mergeEnv(input.baseConfig.Env, config.Env);
    if (env) config.Env = env;
  }
  return {
    created: input.created,
    architecture: input.architecture,
    os: 'linux',
    ...(input.variant ? { variant: input.variant } : {}),
    config,
    rootfs: { diff_ids: input.layers.map((l) => l.diffId), type: 'layers' },
    history: input.layers.map((l) => ({ created: input.created, comment: `store paths: ${pyRepr(l.paths)}` })),
  };
}

export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(pythonJson(value), 'utf8');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export function manifestJson(entries: ManifestEntry[]): Buffer {
  return jsonBytes(entries);
}

/**
 * `created` as the streamer prints it: nixpkgs turns the attribute into `date -Iseconds`
 * form (UTC in the build sandbox) and Python's isoformat() keeps it; "now" carries microseconds.
 */
export function formatCreated(date: Date, now: boolean): string {
  const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
  const seconds = iso.slice(0, 19);
  if (!now) return `${seconds}+00:00`;
  return `${seconds}.${iso.slice(20, 23)}000+00:00`;
}

/** A tag for `tag = null`: derived from the image config, so it is stable and changes with the content. */
export function contentTag(configDigestHex: string): string {
  return toNixBase32(Buffer.from(configDigestHex, 'hex').subarray(0, 20));
}

/** Go's GOARCH name for the machine we run on (dockerTools' default `architecture`). */
export function hostArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };
  return map[arch] ?? arch;
}
