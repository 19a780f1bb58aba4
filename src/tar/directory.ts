// A directory tree as one tar, the way GNU tar 1.34 packs nixpkgs'
// customisation layer:
//   tar --format=gnu --sort=name --numeric-owner --owner=0 --group=0 \
//       --mtime=@315532800 --hard-dereference -C dir -cf - .

import { statSync } from 'node:fs';
import type { PlannedTar } from '../model.ts';
import { TarError, type Dialect } from './header.ts';
import { joinPath, lstat, memberFromStat, sortedChildren, type MemberOwner } from './walk.ts';
import { plannedTar, type PlannedMember } from './writer.ts';

export interface DirectoryTarOptions {
  /** Header encoding: 'gnu' is GNU tar's `--format=gnu`, 'python-pax' CPython tarfile's default. */
  dialect: Dialect;
  /** Every member's mtime (GNU tar `--mtime=@N`). */
  mtime: number;
  /** Owner of members without an `owners` entry. Default 0/0. */
  uid?: number;
  gid?: number;
  /**
   * Write no owner names (GNU tar `--numeric-owner`). Default true. With
   * false, every member gets `uname`/`gname` (default ""), and in the gnu
   * dialect `././@LongLink` entries get "root", as GNU tar writes them.
   */
  numericOwner?: boolean;
  uname?: string;
  gname?: string;
  /**
   * Per-member owner, e.g. what fakeroot recorded. Keys are paths relative to
   * the root as `find .` prints them: "." for the root, "./etc/passwd" — no
   * trailing slash, names decoded as UTF-8.
   */
  owners?: ReadonlyMap<string, { uid: number; gid: number }>;
  /** Per-member permission bits (`mode & 0o7777`), same keys as `owners`. */
  modes?: ReadonlyMap<string, number>;
  /**
   * Prepended to each relative path to make member names (a "/" is added when
   * missing). Default "./": the root is "./", then "./etc/", "./etc/passwd".
   * With "" the root itself is left out and names are bare ("etc/").
   */
  prefix?: string;
}

/**
 * Plans the tar of the tree at `root`, in GNU tar's `--sort=name` order: the
 * root, then depth first, each directory's entries in byte order of their
 * names. Hard links are written as files with their content
 * (`--hard-dereference`), symlinks as symlinks, sockets are skipped (GNU tar
 * warns "socket ignored"). Metadata is read now, contents in chunks().
 */
export async function planDirectoryTar(
  root: string,
  opts: DirectoryTarOptions,
): Promise<PlannedTar> {
  const numericOwner = opts.numericOwner ?? true;
  if (numericOwner && (opts.uname !== undefined || opts.gname !== undefined)) {
    throw new TarError('uname/gname are written only with numericOwner: false');
  }
  const given = opts.prefix ?? './';
  const prefix = given === '' || given.endsWith('/') ? given : `${given}/`;
  const owners = opts.owners ?? new Map();
  const modes = opts.modes ?? new Map();
  const keyed = owners.size > 0 || modes.size > 0;
  const base: MemberOwner = {
    mtime: opts.mtime,
    uid: opts.uid ?? 0,
    gid: opts.gid ?? 0,
    uname: numericOwner ? '' : (opts.uname ?? ''),
    gname: numericOwner ? '' : (opts.gname ?? ''),
  };
  const ownerOf = (rel: Buffer): MemberOwner => {
    if (!keyed) return base;
    const key = rel.length === 0 ? '.' : `./${rel.toString('utf8')}`;
    const o = owners.get(key);
    const mode = modes.get(key);
    if (o === undefined && mode === undefined) return base;
    return { ...base, ...(o ?? {}), ...(mode === undefined ? {} : { mode: mode & 0o7777 }) };
  };
  const prefixBytes = Buffer.from(prefix);
  const members: PlannedMember[] = [];

  const add = (path: Buffer, rel: Buffer, st: ReturnType<typeof lstat>): void => {
    const name = Buffer.concat([prefixBytes, rel]);
    const member = memberFromStat(name, path, st, ownerOf(rel));
    if (member !== null) members.push(member);
  };
  const addTree = (dir: Buffer, rel: Buffer): void => {
    for (const child of sortedChildren(dir, Buffer.compare)) {
      const path = joinPath(dir, child);
      const childRel = rel.length === 0 ? child : joinPath(rel, child);
      const st = lstat(path);
      add(path, childRel, st);
      if (st.isDirectory()) addTree(path, childRel);
    }
  };

  const rootPath = Buffer.from(root);
  // `tar -C root .` enters the root, so a symlink to a directory counts as one.
  const rootStat = statSync(rootPath);
  if (!rootStat.isDirectory()) throw new TarError(`not a directory: ${root}`);
  if (prefix !== '') add(rootPath, Buffer.alloc(0), rootStat);
  addTree(rootPath, Buffer.alloc(0));

  return plannedTar(members, {
    dialect: opts.dialect,
    longLinkOwner: numericOwner ? '' : 'root',
  });
}
