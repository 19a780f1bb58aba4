// The layer the runAsRoot VM hands back (its overlay upper directory as a tar: numeric
// owners, whiteouts as .wh.<name>, members in any order) turned into a directory on the
// host, because extraCommands and the store-reference scan work on a directory.
//
// The tar is the output of a script we do not trust, and we may not be root, so nothing
// is extracted as the tar says:
// - names are checked (no "..", nothing below a member that is not a directory) and
//   created below a fresh directory in sorted order, parents first, by us; a symlink
//   member is only ever created, never followed, as nothing is created below it;
// - owners are not applied: each created inode's owner is recorded instead and written
//   into the layer tar (inodes, not names, so a rename by extraCommands keeps it);
// - permission bits on disk are the tar's read/write/execute bits plus owner rw(x), so we
//   can read and extraCommands can write; the tar's bits (setuid and the like included)
//   are written unless extraCommands changed the file's mode;
// - device nodes and FIFOs become empty placeholder files, written back as what they were;
// - hard links become copies (GNU tar's --hard-dereference, as nixpkgs packs it).
// Files that extraCommands creates are root's, as they are in nixpkgs (where it runs in
// the VM as root).

import fs from 'node:fs';
import path from 'node:path';
import { indexTar, type TarMember } from '../../image/tarIndex.ts';
import type { EntryInfo } from './layerTar.ts';

export class VmLayerError extends Error {
  override name = 'VmLayerError';
}

interface Recorded {
  uid: number;
  gid: number;
  /** The tar's permission bits, and the bits put on disk. */
  mode: number;
  onDisk: number;
  special?: EntryInfo['special'];
}

export interface ExtractedLayer {
  root: string;
  /** Owner, mode and special type for a member at tar time, by its inode. */
  info(st: fs.Stats): EntryInfo;
}

const inodeKey = (st: fs.Stats): string => `${st.dev}:${st.ino}`;
const NO_NAME = { uname: '', gname: '' };

/** Extracts `tarFile` into `root` (created here; must not exist). */
export async function extractVmLayer(tarFile: string, root: string): Promise<ExtractedLayer> {
  let members: TarMember[];
  try {
    members = await indexTar(tarFile);
  } catch (err) {
    throw new VmLayerError(`the layer the runAsRoot VM returned is not a readable tar (${(err as Error).message})`);
  }
  const byName = new Map<string, TarMember>();
  for (const m of members) {
    if (m.type === 'g' || m.type === 'x') continue;
    byName.set(cleanName(m.name), m); // a later member replaces an earlier one, as extraction would
  }
  const rootMember = byName.get('');
  byName.delete('');
  const names = [...byName.keys()].sort(byComponents);
  for (const name of names) {
    for (let p = path.posix.dirname(name); p !== '.'; p = path.posix.dirname(p)) {
      const parent = byName.get(p);
      if (parent !== undefined && parent.type !== '5') throw new VmLayerError(`the VM's layer has ${name} below ${p}, which is not a directory`);
    }
  }

  fs.mkdirSync(root, 0o700);
  const recorded = new Map<string, Recorded>();
  const dirs: [string, number][] = [];
  const record = (p: string, m: TarMember | undefined, onDisk: number, special?: Recorded['special']): void => {
    const st = fs.lstatSync(p);
    recorded.set(inodeKey(st), {
      uid: m?.uid ?? 0,
      gid: m?.gid ?? 0,
      mode: m ? m.mode : 0o755,
      onDisk,
      ...(special ? { special } : {}),
    });
  };
  record(root, rootMember, 0o700);
  dirs.push([root, rwx(rootMember?.mode ?? 0o755, true)]);

  const fd = fs.openSync(tarFile, 'r');
  try {
    const made = new Set<string>();
    const ensureParents = (name: string): void => {
      const parent = path.posix.dirname(name);
      if (parent === '.' || made.has(parent)) return;
      ensureParents(parent);
      const p = path.join(root, parent);
      fs.mkdirSync(p, 0o700);
      made.add(parent);
      record(p, undefined, 0o700);
      dirs.push([p, 0o755]);
    };
    for (const name of names) {
      const m = byName.get(name)!;
      ensureParents(name);
      const p = path.join(root, name);
      switch (m.type) {
        case '5': {
          if (made.has(name)) {
            record(p, m, 0o700); // created as a parent before its own member
          } else {
            fs.mkdirSync(p, 0o700);
            made.add(name);
            record(p, m, 0o700);
          }
          dirs.push([p, rwx(m.mode, true)]);
          break;
        }
        case '0':
        case '7':
          writeRange(fd, m, p);
          fs.chmodSync(p, rwx(m.mode, false));
          record(p, m, rwx(m.mode, false));
          break;
        case '1': {
          const target = byName.get(cleanName(m.linkname));
          if (target === undefined || (target.type !== '0' && target.type !== '7')) {
            throw new VmLayerError(`the VM's layer has a hard link ${name} to ${m.linkname}, which is not a file in it`);
          }
          writeRange(fd, target, p);
          fs.chmodSync(p, rwx(m.mode, false));
          record(p, m, rwx(m.mode, false));
          break;
        }
        case '2':
          fs.symlinkSync(m.linkname, p);
          record(p, m, fs.lstatSync(p).mode & 0o7777);
          break;
        case '3':
        case '4':
        case '6': {
          fs.writeFileSync(p, '', { flag: 'wx', mode: 0o600 });
          const type = m.type === '3' ? 'char' : m.type === '4' ? 'block' : 'fifo';
          record(p, m, 0o600, { type, major: m.devmajor, minor: m.devminor });
          break;
        }
        default:
          throw new VmLayerError(`the VM's layer has ${name} of tar type '${m.type}', which a layer cannot hold`);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  // Directory bits last: the tree is complete, and they keep owner rwx.
  for (const [dir, mode] of dirs) fs.chmodSync(dir, mode);
  for (const [dir, mode] of dirs) {
    const r = recorded.get(inodeKey(fs.lstatSync(dir)));
    if (r) r.onDisk = mode;
  }

  return {
    root,
    info(st) {
      const r = recorded.get(inodeKey(st));
      if (r === undefined) return { owner: { uid: 0, gid: 0, ...NO_NAME } };
      const current = st.mode & 0o7777;
      return {
        owner: { uid: r.uid, gid: r.gid, ...NO_NAME },
        ...(st.isSymbolicLink() ? {} : { mode: current === r.onDisk ? r.mode : current }),
        ...(r.special && st.isFile() && st.size === 0 ? { special: r.special } : {}),
      };
    },
  };
}

/** A member name relative to the layer root: "", "etc", "etc/passwd"; ".." is refused. */
function cleanName(name: string): string {
  const parts = name.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new VmLayerError(`the VM's layer names a path outside it: ${name}`);
  return parts.join('/');
}

/** Parents before children: compare component by component. */
function byComponents(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** The bits put on disk: the tar's rwx bits, and owner rw (rwx for directories). */
function rwx(mode: number, dir: boolean): number {
  return (mode & 0o777) | (dir ? 0o700 : 0o600);
}

function writeRange(fd: number, m: TarMember, dest: string): void {
  const out = fs.openSync(dest, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    const buf = Buffer.allocUnsafe(Math.min(m.size, 1 << 20) || 1);
    let done = 0;
    while (done < m.size) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, m.size - done), m.offset + done);
      if (n === 0) throw new VmLayerError(`the VM's layer ends inside ${m.name}`);
      fs.writeSync(out, buf, 0, n);
      done += n;
    }
  } finally {
    fs.closeSync(out);
  }
}
