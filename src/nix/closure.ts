// The closure graph (every path reachable from the roots, with its NAR size and
// references), from `nix path-info --json --recursive`. Its output changed shape over
// the releases; `parsePathInfoJson` takes all of them:
//
//   Nix < 2.19     [{path, narSize, references: [full paths], ...}, ...]
//   2.19 - 2.32    {"<full path>": {narSize, references: [full paths], ...} | null}
//   2.33+          `--json-format 1` as 2.19 (the default, with a deprecation warning);
//                  `--json-format 2|3`: {version, storeDir, info: {"<base name>": {...,
//                  references: [base names]} | null}}
//
// We ask 2.33+ for format 1 explicitly (no warning, and it keeps working once the flag
// becomes required); base names are handled anyway, for whatever comes next.

import type { StoreNode } from '../model.ts';
import { NixPathError } from './errors.ts';
import { run } from './exec.ts';
import { absoluteStorePath, toStorePath } from './storePath.ts';
import { requireValidPaths, topStorePaths } from './validity.ts';
import { NIX_COMMAND, type NixVersion, nixVersion, storeDir as detectStoreDir, versionAtLeast } from './version.ts';

/**
 * The full closure of `roots` (store paths, or paths below them), sorted by path. Every
 * node's references are absolute store paths, sorted, and may include the node itself.
 */
export async function closureGraph(roots: readonly string[]): Promise<StoreNode[]> {
  const dir = await detectStoreDir();
  const top = topStorePaths(roots, dir, 'closure roots');
  if (top.length === 0) return [];
  // Asked first: `path-info -r` on an invalid path tries to substitute it, then fails
  // with a message that differs between releases.
  const version = nixVersion(); // asked meanwhile
  version.catch(() => {});
  await requireValidPaths(top, 'the requested closure');
  const format = pathInfoFormatArgs(await version);
  const out = await run('nix', [...NIX_COMMAND, 'path-info', '--json', ...format, '--recursive', ...top]);
  const nodes = parsePathInfoJson(out, dir);
  const have = new Set(nodes.map((n) => n.path));
  const missing = top.filter((p) => !have.has(p));
  if (missing.length > 0) throw new NixPathError(`not valid in the local Nix store: ${missing.join(', ')}`, missing);
  return nodes;
}

/**
 * Whether `nodes` (a closure) already holds every path of `paths`: then the closure of
 * its roots plus `paths` is `nodes` itself, a closure being closed under references.
 */
export function closureCovers(nodes: readonly StoreNode[], paths: readonly string[], dir: string): boolean {
  const have = new Set(nodes.map((n) => n.path));
  return paths.every((p) => {
    const top = toStorePath(p, dir);
    return top !== undefined && have.has(top);
  });
}

/** `--json-format 1` for Nix 2.33+, which deprecates `--json` without it; older Nix rejects the flag. */
export function pathInfoFormatArgs(version: NixVersion): string[] {
  // Lix numbers its releases 2.9x but forked before the flag existed.
  return versionAtLeast(version, 2, 33) && !/\bLix\b/.test(version.text) ? ['--json-format', '1'] : [];
}

/** Parses any `nix path-info --json` shape (see the top of this file) into sorted StoreNodes. */
export function parsePathInfoJson(text: string, fallbackStoreDir: string): StoreNode[] {
  const value: unknown = JSON.parse(text);
  let entries: [string, unknown][];
  let dir = fallbackStoreDir;
  if (Array.isArray(value)) {
    entries = value.map((info: unknown) => [stringField(info, 'path') ?? '', info]);
  } else if (isObject(value) && isObject(value.info) && typeof value.version === 'number') {
    if (typeof value.storeDir === 'string') dir = value.storeDir;
    entries = Object.entries(value.info);
  } else if (isObject(value)) {
    entries = Object.entries(value);
  } else {
    throw new Error(`unexpected \`nix path-info --json\` output: ${text.slice(0, 200)}`);
  }

  const nodes: StoreNode[] = [];
  const invalid: string[] = [];
  for (const [key, info] of entries) {
    const localDir = stringField(info, 'storeDir') ?? dir;
    const p = absoluteStorePath(key, localDir);
    if (info === null || (isObject(info) && info.valid === false)) {
      invalid.push(p);
      continue;
    }
    if (!isObject(info) || typeof info.narSize !== 'number' || !Array.isArray(info.references)) {
      throw new Error(`\`nix path-info --json\`: no narSize/references for ${p}`);
    }
    if (toStorePath(p, localDir) !== p) throw new Error(`\`nix path-info --json\`: not a store path: ${key}`);
    const references = (info.references as unknown[]).map((r) => {
      if (typeof r !== 'string') throw new Error(`\`nix path-info --json\`: bad reference of ${p}`);
      return absoluteStorePath(r, localDir);
    });
    nodes.push({ path: p, narSize: info.narSize, references: [...new Set(references)].sort() });
  }
  if (invalid.length > 0) throw new NixPathError(`not valid in the local Nix store: ${invalid.join(', ')}`, invalid);
  return nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringField(v: unknown, key: string): string | undefined {
  return isObject(v) && typeof v[key] === 'string' ? v[key] : undefined;
}
