// The tar of buildImage's one new layer, as nixpkgs writes it in two GNU tar steps.
//
// 1. The layer directory (mkPureLayer, in the build sandbox as the build user):
//      tar -C layer --hard-dereference --sort=name --mtime=@$SOURCE_DATE_EPOCH \
//          --owner=$uid --group=$gid -cf layer.tar .
//    GNU format; names "./", "./bin/", ...; depth first, siblings in byte order. Without
//    --numeric-owner tar writes the names the sandbox's /etc/passwd and /etc/group give
//    the ids (root/0, nixbld/1000 and 100, nobody/65534, nogroup/65534; others none), and
//    "root" on ././@LongLink entries. With runAsRoot (mkRootLayer) the same command runs
//    in the VM without --owner: owners as the script left them, and no names (the VM has
//    no /etc/passwd).
// 2. The closure, appended in the image derivation (sandbox again):
//      ls_tar <every base layer> layer.tar > baseFiles     # names as /a/b, no trailing /
//      find <each path of the closure> > layerFiles
//      [closure not empty and no /nix/store in baseFiles] && mkdir -p nix/store &&
//        chmod -R 555 nix && add ./nix ./nix/store to layerFiles
//      comm -13 <(sort baseFiles) <(sort layerFiles) > newFiles   # byte order
//      tar -rpf layer.tar --hard-dereference --sort=name --mtime=@$SOURCE_DATE_EPOCH \
//          --owner=0 --group=0 --no-recursion --verbatim-files-from --files-from newFiles
//    So: "./nix/", "./nix/store/" (0555) first when added, then every file of the
//    closure not already in a base layer or the layer, named without the leading "/",
//    in byte order of the whole path ("a-c" before "a/b"), owned by root, store modes.
//    -r writes from the end-of-archive blocks on, as one archive: the two parts are one
//    tar with one end.
// One departure: ls_tar runs `realpath --relative-to=.` on the listed names, which
// turns an absolute name (a layer of streamLayeredImage: "/nix/store/...") into
// "/../nix/store/..." that matches nothing, so nixpkgs copies store paths such a base
// layer already holds. Here every name counts as absolute: what a base layer holds is
// not copied again, as the manual says.

import type { Stats } from 'node:fs';
import path from 'node:path';
import type { PlannedTar } from '../../model.ts';
import {
  endOfArchiveSize,
  headerSize,
  paddingSize,
  plannedTar,
  TarError,
  type HeaderOptions,
  type PlannedMember,
} from '../../tar/index.ts';
import { joinPath, lstat, memberFromStat, sortedChildren, type MemberOwner } from '../../tar/walk.ts';

/** Names of users and groups in the Nix build sandbox (its /etc/passwd and /etc/group). */
const SANDBOX_USERS = new Map([
  [0, 'root'],
  [1000, 'nixbld'],
  [65534, 'nobody'],
]);
const SANDBOX_GROUPS = new Map([
  [0, 'root'],
  [100, 'nixbld'],
  [65534, 'nogroup'],
]);

export interface EntryOwner {
  uid: number;
  gid: number;
  uname: string;
  gname: string;
}

/** What a layer member gets beyond what lstat says. */
export interface EntryInfo {
  owner: EntryOwner;
  /** Permission bits to write instead of the file's. */
  mode?: number;
  /** The member is this special file (the disk holds an empty placeholder). */
  special?: { type: 'char' | 'block' | 'fifo'; major: number; minor: number };
}

/** GNU tar's `--owner=uid --group=gid` in the build sandbox. */
export function sandboxOwner(uid: number, gid: number): EntryOwner {
  return { uid, gid, uname: SANDBOX_USERS.get(uid) ?? '', gname: SANDBOX_GROUPS.get(gid) ?? '' };
}

/** A name as ls_tar prints it: "/a/b", no trailing slash; "" for the root. */
export function lsTarName(name: string): string {
  const n = path.posix.normalize(`/${name}`).replace(/\/+$/, '');
  return n === '/' ? '' : n;
}

export interface LayerTree {
  members: PlannedMember[];
  /** Every member but the root, as ls_tar names it. */
  names: Set<string>;
}

/** Step 1: the members of the layer directory, in GNU tar's --sort=name order. */
export function planLayerTree(root: string, mtime: number, info: (st: Stats) => EntryInfo): LayerTree {
  const members: PlannedMember[] = [];
  const names = new Set<string>();
  const add = (p: Buffer, rel: Buffer, st: Stats): void => {
    const i = info(st);
    const owner: MemberOwner = { mtime, ...i.owner, ...(i.mode === undefined ? {} : { mode: i.mode }) };
    const member = memberFromStat(Buffer.concat([Buffer.from('./'), rel]), p, st, owner);
    if (member === null) return; // a socket: GNU tar skips it
    if (i.special) {
      member.header = { ...member.header, type: i.special.type, size: 0, devmajor: i.special.major, devminor: i.special.minor };
      delete member.source;
    }
    members.push(member);
    if (rel.length > 0) names.add(lsTarName(rel.toString('utf8')));
  };
  const walk = (dir: Buffer, rel: Buffer): void => {
    for (const child of sortedChildren(dir, Buffer.compare)) {
      const p = joinPath(dir, child);
      const r = rel.length === 0 ? child : joinPath(rel, child);
      const st = lstat(p);
      add(p, r, st);
      if (st.isDirectory()) walk(p, r);
    }
  };
  const rootPath = Buffer.from(root);
  add(rootPath, Buffer.alloc(0), lstat(rootPath));
  walk(rootPath, Buffer.alloc(0));
  return { members, names };
}

export interface ClosureAppend {
  members: PlannedMember[];
  /** The store paths that contributed at least one member, sorted. */
  storePaths: string[];
}

const ROOT_OWNER = sandboxOwner(0, 0);

/** Step 2: the closure's files that `present` (base layers and the layer, ls_tar names) lacks. */
export function planClosureAppend(closure: readonly string[], present: ReadonlySet<string>, mtime: number): ClosureAppend {
  if (closure.length === 0) return { members: [], storePaths: [] };
  const owner: MemberOwner = { mtime, ...ROOT_OWNER };
  const found: { path: Buffer; st: Stats; storePath: string }[] = [];
  const visit = (p: Buffer, storePath: string): void => {
    const st = lstat(p);
    if (!present.has(p.toString('utf8'))) found.push({ path: p, st, storePath });
    if (st.isDirectory()) for (const child of sortedChildren(p, Buffer.compare)) visit(joinPath(p, child), storePath);
  };
  for (const storePath of new Set(closure)) visit(Buffer.from(storePath), storePath);
  found.sort((a, b) => Buffer.compare(a.path, b.path));

  const members: PlannedMember[] = [];
  if (!present.has('/nix/store')) {
    for (const name of ['./nix', './nix/store']) {
      members.push({ header: { name, type: 'directory', mode: 0o555, size: 0, ...owner } });
    }
  }
  for (const f of found) {
    // tar strips the leading "/" ("Removing leading `/' from member names").
    const member = memberFromStat(f.path.subarray(1), f.path, f.st, owner);
    if (member === null) throw new TarError(`cannot archive socket ${f.path.toString()}`);
    members.push(member);
  }
  return { members, storePaths: [...new Set(found.map((f) => f.storePath))].sort() };
}

export interface TarPart {
  members: readonly PlannedMember[];
  opts: HeaderOptions;
}

function contentSize(part: TarPart): number {
  let n = 0;
  for (const m of part.members) n += headerSize(m.header, part.opts) + m.header.size + paddingSize(m.header.size);
  return n;
}

/**
 * One archive of several parts written with different header options (the VM's tar and
 * the sandbox's append name ././@LongLink owners differently): each part's members, then
 * a single end of archive.
 */
export function concatTars(parts: readonly TarPart[]): PlannedTar {
  const sizes = parts.map(contentSize);
  const content = sizes.reduce((a, b) => a + b, 0);
  const size = content + endOfArchiveSize(content);
  return {
    size,
    async *chunks() {
      for (const [i, part] of parts.entries()) {
        let left = sizes[i]!;
        if (left === 0) continue;
        for await (const chunk of plannedTar(part.members, part.opts).chunks()) {
          const take = Math.min(left, chunk.length);
          yield take === chunk.length ? chunk : chunk.subarray(0, take);
          left -= take;
          if (left === 0) break; // the rest is that part's own end of archive
        }
        if (left !== 0) throw new TarError(`layer tar: part ${i} ended ${left} bytes early`);
      }
      yield Buffer.alloc(endOfArchiveSize(content));
    },
  };
}
