// What Nix knows of a package beyond its store path: the derivation's `meta` (license,
// homepage, description), for the items named as Nix files or flake installables
// (store paths carry no meta). Evaluated with `nix eval`, never built; each item's
// default output path says which store path of the image the meta belongs to. Best
// effort: an item that does not evaluate (no meta, an IFD, no network) is skipped.

import path from 'node:path';
import { run } from './exec.ts';
import { parseInstallable } from './installable.ts';
import { NIX_COMMAND_FLAKES, storeDir as detectStoreDir } from './version.ts';

export interface PackageMeta {
  /** SPDX ids (nixpkgs' `spdxId`), else the short names. */
  licenses: string[];
  homepage?: string;
  description?: string;
}

// Reduced in Nix so that only plain strings come back (meta may hold functions and
// derivations). The output path is not called `outPath`: JSON would turn the set into it.
const APPLY = `d: let
  m = d.meta or {};
  lic = x: if builtins.isAttrs x then (x.spdxId or x.shortName or null) else if builtins.isString x then x else null;
  l = m.license or [];
  h = m.homepage or null;
in {
  path = d.outPath or null;
  licenses = builtins.filter (x: x != null) (map lic (if builtins.isList l then l else [ l ]));
  homepage = if builtins.isList h then (if h == [] then null else builtins.head h) else if builtins.isString h then h else null;
  description = if builtins.isString (m.description or null) then m.description else null;
}`;

/** Store path → meta, for the items that evaluate; `onSkip` hears why the others did not. */
export async function derivationMeta(items: readonly string[], cwd: string, onSkip?: (item: string, why: string) => void): Promise<Map<string, PackageMeta>> {
  const dir = await detectStoreDir();
  const out = new Map<string, PackageMeta>();
  for (const item of items) {
    let p;
    try {
      p = parseInstallable(item, dir);
    } catch {
      continue;
    }
    let args: string[];
    if (p.kind === 'nixFile') args = ['eval', '--json', '--file', path.resolve(cwd, p.file), p.attr ?? ''];
    else if (p.kind === 'flake' && p.ref.includes('#') && !p.ref.includes('^')) args = ['eval', '--json', p.ref];
    else continue;
    try {
      const text = await run('nix', [...NIX_COMMAND_FLAKES, ...args, '--apply', APPLY], { cwd });
      const v = JSON.parse(text) as { path?: string | null; licenses?: string[]; homepage?: string | null; description?: string | null };
      if (!v.path) continue;
      out.set(v.path, {
        licenses: v.licenses ?? [],
        ...(v.homepage ? { homepage: v.homepage } : {}),
        ...(v.description ? { description: v.description } : {}),
      });
    } catch (err) {
      onSkip?.(item, (err as Error).message.split('\n')[0] ?? '');
    }
  }
  return out;
}
