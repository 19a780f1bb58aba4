// What the SBOM and provenance need of each store path beyond closure.ts's graph: its
// NAR hash and its deriver. One `nix path-info --json` for the given paths (not
// recursive: the image's closure is already known). The narHash is written in two
// ways over the releases, SRI (`sha256-<base64>`, Nix 2.8 – 2.18) and `sha256:<nix32>`
// (2.19+ format 1); both become hex here.

import { parsePathInfoJson, pathInfoFormatArgs } from './closure.ts';
import { BASE32_CHARS } from './base32.ts';
import { run } from './exec.ts';
import { absoluteStorePath } from './storePath.ts';
import { NIX_COMMAND, nixVersion, storeDir as detectStoreDir } from './version.ts';

export interface PathInfo {
  path: string;
  narSize: number;
  /** sha256 of the path's NAR serialisation, hex. */
  narHash: string;
  references: string[];
  deriver?: string;
}

/** The info of each of `paths` (valid store paths), sorted by path. */
export async function storePathInfo(paths: readonly string[]): Promise<PathInfo[]> {
  if (paths.length === 0) return [];
  const dir = await detectStoreDir();
  const format = pathInfoFormatArgs(await nixVersion());
  const out = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...format, ...paths]);
  return parsePathInfoDetails(out, dir);
}

/** Parses any `nix path-info --json` shape, keeping narHash and deriver. */
export function parsePathInfoDetails(text: string, fallbackStoreDir: string): PathInfo[] {
  const nodes = parsePathInfoJson(text, fallbackStoreDir);
  const value: unknown = JSON.parse(text);
  const extra = new Map<string, { narHash?: unknown; deriver?: unknown }>();
  const record = (key: string, info: unknown, dir: string) => {
    if (info && typeof info === 'object') extra.set(absoluteStorePath(key, dir), info as { narHash?: unknown; deriver?: unknown });
  };
  if (Array.isArray(value)) for (const info of value) record(String((info as { path?: unknown }).path ?? ''), info, fallbackStoreDir);
  else if (value && typeof value === 'object') {
    const v = value as { version?: unknown; storeDir?: unknown; info?: unknown };
    const dir = typeof v.storeDir === 'string' ? v.storeDir : fallbackStoreDir;
    const entries = typeof v.version === 'number' && v.info && typeof v.info === 'object' ? v.info : value;
    for (const [k, info] of Object.entries(entries)) record(k, info, dir);
  }
  return nodes.map((n) => {
    const info = extra.get(n.path);
    const narHash = typeof info?.narHash === 'string' ? narHashHex(info.narHash) : undefined;
    if (!narHash) throw new Error(`\`nix path-info --json\`: no sha256 narHash for ${n.path}`);
    const deriver = typeof info?.deriver === 'string' && info.deriver ? absoluteStorePath(info.deriver, fallbackStoreDir) : undefined;
    return { ...n, narHash, ...(deriver ? { deriver } : {}) };
  });
}

/** `sha256-<base64>`, `sha256:<nix32>`, `sha256:<hex>`, or format 2's `{algorithm, hash}` → hex; undefined otherwise. */
export function narHashHex(value: string): string | undefined {
  const sri = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(value);
  if (sri) return Buffer.from(sri[1]!, 'base64').toString('hex');
  const hex = /^sha256:([0-9a-f]{64})$/.exec(value);
  if (hex) return hex[1];
  const nix32 = /^sha256:([0-9a-df-np-sv-z]{52})$/.exec(value);
  if (nix32) return fromNixBase32(nix32[1]!, 32)?.toString('hex');
  return undefined;
}

/** Inverse of base32.ts's toNixBase32. */
function fromNixBase32(text: string, size: number): Buffer | undefined {
  const out = Buffer.alloc(size);
  for (let n = 0; n < text.length; n++) {
    const digit = BASE32_CHARS.indexOf(text[text.length - n - 1]!);
    if (digit < 0) return undefined;
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    out[i]! |= (digit << j) & 0xff;
    if (i + 1 < size) out[i + 1]! |= digit >> (8 - j);
    else if (digit >> (8 - j)) return undefined;
  }
  return out;
}
