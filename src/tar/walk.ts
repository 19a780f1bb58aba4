// File system → planned members: one lstat per entry, names kept as raw bytes
// (file names need not be UTF-8), children in a caller-chosen order.

import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { TarError, type EntryType } from './header.ts';
import type { PlannedMember } from './writer.ts';

/** Who owns a member and when it was modified; mode overrides the file's permission bits. */
export interface MemberOwner {
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mode?: number;
}

export type NameOrder = (a: Buffer, b: Buffer) => number;

const SLASH = Buffer.from('/');

export function joinPath(dir: Buffer, name: Buffer): Buffer {
  return dir[dir.length - 1] === 0x2f
    ? Buffer.concat([dir, name])
    : Buffer.concat([dir, SLASH, name]);
}

function typeOf(st: Stats): EntryType | null {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return null; // a socket
}

/** Linux's encoding of a device number (glibc's gnu_dev_major/minor). */
function major(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}
function minor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}

/**
 * The member for `path` (already lstat'ed as `st`), named `name`. Hard links
 * are plain files here: every file carries its own content. Returns null for
 * sockets, which tar cannot hold.
 */
export function memberFromStat(
  name: Buffer,
  path: Buffer,
  st: Stats,
  owner: MemberOwner,
): PlannedMember | null {
  const type = typeOf(st);
  if (type === null) return null;
  const member: PlannedMember = {
    header: {
      name,
      type,
      mode: owner.mode ?? st.mode & 0o7777,
      size: type === 'file' ? st.size : 0,
      mtime: owner.mtime,
      uid: owner.uid,
      gid: owner.gid,
      uname: owner.uname,
      gname: owner.gname,
    },
  };
  if (type === 'file') member.source = path;
  if (type === 'symlink') member.header.linkname = readlinkSync(path, { encoding: 'buffer' });
  if (type === 'char' || type === 'block') {
    member.header.devmajor = major(st.rdev);
    member.header.devminor = minor(st.rdev);
  }
  return member;
}

/** The names in directory `path`, sorted by `order`. */
export function sortedChildren(path: Buffer, order: NameOrder): Buffer[] {
  return readdirSync(path, { encoding: 'buffer' }).sort(order);
}

export function lstat(path: Buffer): Stats {
  try {
    return lstatSync(path);
  } catch (err) {
    throw new TarError(`cannot archive ${path.toString()}: ${(err as Error).message}`);
  }
}
