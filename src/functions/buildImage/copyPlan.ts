// copyToRoot planned in memory, for a layer that nothing changes after the copy (no
// runAsRoot, no extraCommands, no Nix database): the tree copyToRoot.ts would leave on
// disk, with each file naming the store file it would have been copied from, so the
// layer tar reads the store directly. 100 000 small files copied and read back cost
// most of buildImage's time (bench/README.md, "Many small files").
//
// The merge is copyToRoot.ts's with -k (keepContentsDirlinks = false): the first item's
// entries, a later item's file or symlink replacing what is there (a non-empty
// directory refuses), directories merged and ending with the mode of the last item's
// directory (a symlink to a directory followed as that directory), the root with the
// last item's mode plus ug+w. -K resolves symlinks inside the layer as it is being
// made, so it stays on disk. test/buildImage-copyPlan.test.ts compares the two byte
// for byte.

import fs from 'node:fs';
import path from 'node:path';
import { SpecError } from '../../spec/errors.ts';
import type { PlannedMember } from '../../tar/writer.ts';
import { lsTarName, type EntryOwner, type LayerTree } from './layerTar.ts';

export type CopyNode = CopyDir | { kind: 'file'; mode: number; size: number; source: string } | { kind: 'symlink'; target: string };
export interface CopyDir {
  kind: 'dir';
  mode: number;
  children: Map<string, CopyNode>;
}

/** Deeper than any real tree: a symlink to a parent, followed with -k, loops (as in copyToRoot.ts). */
const MAX_DEPTH = 256;
/** What Linux's lstat reports for a symlink, and so what tar writes. */
const SYMLINK_MODE = 0o777;
/** The layer directory as buildImage makes it (mkdir 0755) with `chmod ug+w`, when nothing is copied. */
const EMPTY_ROOT_MODE = 0o775;

/** The layer root copyToRoot would make of `items`; only the items are read. */
export function planCopy(items: readonly string[], attribute: string): CopyDir {
  const root: CopyDir = { kind: 'dir', mode: EMPTY_ROOT_MODE, children: new Map() };
  for (const item of items) {
    let st: fs.Stats;
    try {
      st = fs.statSync(item);
    } catch (err) {
      throw new SpecError(attribute, `${item}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!st.isDirectory()) throw new SpecError(attribute, `${item} is not a directory (its contents are copied into the image root)`);
    root.mode = (st.mode & 0o7777) | 0o220;
    mergeDir(item, root, '', { attribute, item });
  }
  return root;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null; // dangling, looping, or not allowed: copied as a symlink
  }
}

function mergeDir(src: string, dir: CopyDir, rel: string, s: { attribute: string; item: string }): void {
  if (rel.split('/').length > MAX_DEPTH) {
    throw new SpecError(s.attribute, `${s.item}: /${rel} is nested too deeply (a symlink loop, followed as directories?)`);
  }
  for (const name of fs.readdirSync(src).sort()) {
    const from = path.join(src, name);
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const lst = fs.lstatSync(from);
    const followed = lst.isSymbolicLink() ? statOrNull(from) : null;
    const existing = dir.children.get(name);
    if (lst.isDirectory() || followed?.isDirectory() === true) {
      let sub = existing;
      if (sub?.kind !== 'dir') {
        sub = { kind: 'dir', mode: 0, children: new Map() };
        dir.children.set(name, sub);
      }
      sub.mode = (followed ?? lst).mode & 0o7777;
      mergeDir(from, sub, childRel, s);
      continue;
    }
    if (!lst.isFile() && !lst.isSymbolicLink()) {
      throw new SpecError(s.attribute, `${from}: special files (devices, sockets, FIFOs) cannot be copied`);
    }
    if (existing?.kind === 'dir' && existing.children.size > 0) {
      throw new SpecError(
        s.attribute,
        `${s.item}: /${childRel} is a ${lst.isFile() ? 'file' : 'symlink'} there, but a non-empty directory in the layer already`,
      );
    }
    dir.children.set(
      name,
      lst.isSymbolicLink() ? { kind: 'symlink', target: fs.readlinkSync(from) } : { kind: 'file', mode: lst.mode & 0o7777, size: lst.size, source: from },
    );
  }
}

/** The layer tar's members for the tree, as planLayerTree gives them for the copy on disk. */
export function copyTreeMembers(root: CopyDir, mtime: number, owner: EntryOwner): LayerTree {
  const members: PlannedMember[] = [];
  const names = new Set<string>();
  const add = (name: Buffer, node: CopyNode): void => {
    const member: PlannedMember = {
      header: {
        name,
        type: node.kind === 'dir' ? 'directory' : node.kind,
        mode: node.kind === 'symlink' ? SYMLINK_MODE : node.mode,
        size: node.kind === 'file' ? node.size : 0,
        mtime,
        ...owner,
      },
    };
    if (node.kind === 'file') member.source = node.source;
    if (node.kind === 'symlink') member.header.linkname = Buffer.from(node.target);
    members.push(member);
  };
  const walk = (dir: CopyDir, prefix: Buffer): void => {
    // GNU tar's --sort=name: byte order of the names.
    const children = [...dir.children].map(([name, node]) => ({ name: Buffer.from(name), node })).sort((a, b) => Buffer.compare(a.name, b.name));
    for (const { name, node } of children) {
      const full = Buffer.concat([prefix, name]);
      add(full, node);
      names.add(lsTarName(full.toString('utf8')));
      if (node.kind === 'dir') walk(node, Buffer.concat([full, SLASH]));
    }
  };
  const top = Buffer.from('./');
  add(top, root);
  walk(root, top);
  return { members, names };
}

const SLASH = Buffer.from('/');

/** Where the tree can name a store path: every name and symlink target (`texts`), and the files to read (`files`). */
export function copyTreeContents(root: CopyDir): { texts: string[]; files: string[] } {
  const texts: string[] = [];
  const files: string[] = [];
  const visit = (dir: CopyDir): void => {
    for (const [name, node] of dir.children) {
      texts.push(name);
      if (node.kind === 'symlink') texts.push(node.target);
      else if (node.kind === 'file') files.push(node.source);
      else visit(node);
    }
  };
  visit(root);
  return { texts, files };
}
