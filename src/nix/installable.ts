// What a user may name as image contents or a config reference, and how we tell the
// kinds apart. Pure: reading links on disk is `followIntoStore`'s job (realise.ts).
//
//   /nix/store/<hash>-hello            a store path (realised if not yet valid)
//   /nix/store/<hash>-hello/bin/hello  a path below one: its store path, the rest kept
//   /nix/store/<hash>-hello.drv        a derivation: built, its outputs taken
//   ./result, /abs/link, result/bin/x  a local path whose symlinks lead into the store
//   file.nix, ./dir/file.nix#attr.path a Nix file (nix-build FILE [-A ATTR])
//   .#pkg, nixpkgs#hello, github:o/r   a flake installable (nix build): anything with
//   drv^out, /nix/store/x.drv^*        `#` or `^`, or a URL-like `scheme:` prefix
//
// Order matters: store paths first, then `.nix` files (so `./a.nix#x` is a file with an
// attribute, not a flake), then flake syntax, then local paths.

import { NixPathError } from './errors.ts';
import { toStorePath } from './storePath.ts';

export type Installable =
  | { kind: 'store'; item: string; path: string; storePath: string }
  | { kind: 'drv'; item: string; drvPath: string }
  | { kind: 'nixFile'; item: string; file: string; attr: string | undefined }
  | { kind: 'flake'; item: string; ref: string }
  | { kind: 'local'; item: string; path: string };

const NIX_FILE = /^(?<file>[^#]*\.nix)(?:#(?<attr>.*))?$/;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function parseInstallable(item: string, storeDir: string): Installable {
  const s = item.trim();
  if (s === '') throw new NixPathError('an empty string is not a store path or installable', [item]);

  if (!/[#^]/.test(s)) {
    const storePath = toStorePath(s, storeDir);
    if (storePath !== undefined) {
      const path = s.replace(/\/+$/, '');
      if (path === storePath && storePath.endsWith('.drv')) return { kind: 'drv', item, drvPath: storePath };
      return { kind: 'store', item, path, storePath };
    }
  }

  const nixFile = NIX_FILE.exec(s);
  if (nixFile?.groups && !URL_LIKE.test(s)) {
    const attr = nixFile.groups.attr;
    return { kind: 'nixFile', item, file: nixFile.groups.file!, attr: attr === '' ? undefined : attr };
  }

  if (/[#^]/.test(s) || URL_LIKE.test(s)) return { kind: 'flake', item, ref: s };

  return { kind: 'local', item, path: s };
}
