// A store layer: the tar that nixpkgs' stream_layered_image.py writes for one
// layer's store paths (its archive_paths_to), in the python-pax dialect.

import type { Ownership, PlannedTar } from '../model.ts';
import { TarError } from './header.ts';
import { comparePythonNames } from './pystr.ts';
import { joinPath, lstat, memberFromStat, sortedChildren, type MemberOwner } from './walk.ts';
import { plannedTar, type PlannedMember } from './writer.ts';

export interface StoreLayerOptions {
  /** Store paths must be direct children of this directory. Default "/nix/store". */
  storeDir?: string;
}

function checkOwnership(own: Ownership): void {
  for (const key of ['mtime', 'uid', 'gid'] as const) {
    if (!Number.isSafeInteger(own[key])) {
      throw new TarError(`store layer ${key} must be an integer, got ${own[key]}`);
    }
  }
  if (own.uid < 0 || own.gid < 0) throw new TarError('store layer uid and gid must not be negative');
}

function checkStorePath(path: string, storeDir: string): void {
  const base = path.slice(storeDir.length + 1);
  if (
    !path.startsWith(`${storeDir}/`) ||
    base === '' ||
    base === '.' ||
    base === '..' ||
    base.includes('/')
  ) {
    throw new TarError(`not a store path under ${storeDir}: ${path}`);
  }
}

/**
 * Everything below directory `dir`, depth first, siblings in pathlib's order
 * (Python string order of the component). That is the order of
 * `sorted(path.rglob("*"))`, which compares paths component by component.
 * Symlinks to directories are entries, never descended.
 */
function addTree(dir: Buffer, owner: MemberOwner, out: PlannedMember[]): void {
  for (const child of sortedChildren(dir, comparePythonNames)) {
    const path = joinPath(dir, child);
    const st = lstat(path);
    const member = memberFromStat(path, path, st, owner);
    if (member === null) throw new TarError(`cannot archive socket ${path.toString()}`);
    out.push(member);
    if (st.isDirectory()) addTree(path, owner, out);
  }
}

/**
 * Plans the tar of one store layer: `/nix/` and `/nix/store/` (mode 0755),
 * then each store path in the given order followed by everything below it.
 * A store path that is a symlink is written alone. Every member gets
 * mtime/uid/gid/uname/gname from `own`; permission bits, sizes and symlink
 * targets come from the file system, read now (lstat, readlink) so the size is
 * exact before the first byte. File contents are read when chunks() runs.
 */
export async function planStoreLayer(
  paths: string[],
  own: Ownership,
  opts: StoreLayerOptions = {},
): Promise<PlannedTar> {
  checkOwnership(own);
  const storeDir = opts.storeDir ?? '/nix/store';
  for (const path of paths) checkStorePath(path, storeDir);

  const owner: MemberOwner = {
    mtime: own.mtime,
    uid: own.uid,
    gid: own.gid,
    uname: own.uname,
    gname: own.gname,
  };
  const topDir = (name: string): PlannedMember => ({
    header: { name, type: 'directory', mode: 0o755, size: 0, ...owner },
  });
  // stream_layered_image.py writes these two whatever the store directory is.
  const members: PlannedMember[] = [topDir('/nix'), topDir('/nix/store')];
  for (const path of paths) {
    const root = Buffer.from(path);
    const st = lstat(root);
    const member = memberFromStat(root, root, st, owner);
    if (member === null) throw new TarError(`cannot archive socket ${path}`);
    members.push(member);
    if (st.isDirectory()) addTree(root, owner, members);
  }
  return plannedTar(members, { dialect: 'python-pax' });
}
