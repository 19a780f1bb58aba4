// What fakeroot recorded, as the layer's tar must show it.
//
// fakeroot intercepts libc calls (LD_PRELOAD) and keeps the faked metadata in
// its daemon, keyed by device and inode. Node's fs does raw statx system
// calls that fakeroot never sees, so instead of asking through libc we read
// the daemon's save file (`fakeroot -s FILE`), one line per inode it knows:
//   dev=<hex>,ino=<dec>,mode=<octal, type bits included>,uid=<dec>,gid=<dec>,nlink=<dec>,rdev=<dec>
// and join it with the tree by (st_dev, st_ino), which Node reports the same
// way (checked against `fakeroot -i FILE stat`). Inside fakeroot a file the
// daemon does not know shows uid 0 and gid 0 with its real mode, so those are
// the defaults; a known file shows the recorded mode, owner and, for
// `mknod`ed nodes (an empty regular file on disk), type and device number.

import { readFile } from 'node:fs/promises';
import { lstatSync, readdirSync } from 'node:fs';
import { CustomisationError } from './errors.ts';

export interface FakedStat {
  mode: number;
  uid: number;
  gid: number;
  rdev: number;
}

/** Device nodes fakeroot made, which on disk are empty regular files. */
export interface FakedDevice {
  type: 'char' | 'block';
  major: number;
  minor: number;
}

/** The fakeroot view of a tree, keyed as planDirectoryTar keys it ("." and "./a/b"). */
export interface FakerootView {
  owners: Map<string, { uid: number; gid: number }>;
  modes: Map<string, number>;
  devices: Map<string, FakedDevice>;
}

const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const LINE = /^dev=([0-9a-f]+),ino=(\d+),mode=([0-7]+),uid=(\d+),gid=(\d+),nlink=\d+,rdev=(\d+)$/;

/** Parses a fakeroot save file into (dev:ino) → recorded stat. */
export function parseFakerootState(text: string): Map<string, FakedStat> {
  const db = new Map<string, FakedStat>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = LINE.exec(line);
    if (m === null) throw new CustomisationError(`unexpected line in fakeroot state: ${line}`);
    const key = `${BigInt(`0x${m[1]}`)}:${m[2]}`;
    db.set(key, { mode: parseInt(m[3]!, 8), uid: Number(m[4]), gid: Number(m[5]), rdev: Number(m[6]) });
  }
  return db;
}

export async function readFakerootState(path: string): Promise<Map<string, FakedStat>> {
  return parseFakerootState(await readFile(path, 'utf8'));
}

/** Linux's encoding of a device number (glibc's gnu_dev_major/minor). */
function major(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}
function minor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}

/**
 * Walks `root` and returns, for every entry fakeroot knows, the owner and
 * permission bits it shows, plus the device nodes it faked. Entries it does
 * not know are left out: they get the defaults (0/0, mode from disk).
 */
export function fakerootView(root: string, db: ReadonlyMap<string, FakedStat>): FakerootView {
  const view: FakerootView = { owners: new Map(), modes: new Map(), devices: new Map() };
  if (db.size === 0) return view;
  const visit = (path: Buffer, key: string): void => {
    const st = lstatSync(path, { bigint: true });
    const faked = db.get(`${st.dev}:${st.ino}`);
    if (faked !== undefined) {
      view.owners.set(key, { uid: faked.uid, gid: faked.gid });
      view.modes.set(key, faked.mode & 0o7777);
      const type = faked.mode & S_IFMT;
      if ((type === S_IFCHR || type === S_IFBLK) && st.isFile()) {
        view.devices.set(key, {
          type: type === S_IFCHR ? 'char' : 'block',
          major: major(faked.rdev),
          minor: minor(faked.rdev),
        });
      }
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path, { encoding: 'buffer' })) {
        visit(Buffer.concat([path, Buffer.from('/'), name]), `${key}/${name.toString('utf8')}`);
      }
    }
  };
  visit(Buffer.from(root), '.');
  return view;
}
