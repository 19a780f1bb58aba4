// The initrd: a "newc" cpio archive (magic 070701), the format the kernel
// unpacks into its initial rootfs. Uncompressed, so any kernel reads it; the
// few MiB it holds (busybox, modules, control files) cost nothing to load.

export type CpioEntry =
  | { kind: 'dir'; name: string; mode?: number }
  | { kind: 'file'; name: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; name: string; target: string }
  | { kind: 'char'; name: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio: field out of range: ${n}`);
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function record(ino: number, name: string, mode: number, nlink: number, data: Buffer, rdev: [number, number]): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'latin1');
  return [
    header,
    nameBytes,
    Buffer.alloc(pad4(header.length + nameBytes.length)),
    data,
    Buffer.alloc(pad4(data.length)),
  ];
}

/** The archive of `entries` (parents before children; names relative, without a leading "/"). */
export function cpioArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    if (e.name.startsWith('/') || e.name === '') throw new Error(`cpio: bad name '${e.name}'`);
    switch (e.kind) {
      case 'dir':
        parts.push(...record(ino++, e.name, S_IFDIR | (e.mode ?? 0o755), 2, Buffer.alloc(0), [0, 0]));
        break;
      case 'file':
        parts.push(...record(ino++, e.name, S_IFREG | (e.mode ?? 0o644), 1, e.data, [0, 0]));
        break;
      case 'symlink':
        parts.push(...record(ino++, e.name, S_IFLNK | 0o777, 1, Buffer.from(e.target), [0, 0]));
        break;
      case 'char':
        parts.push(...record(ino++, e.name, S_IFCHR | (e.mode ?? 0o600), 1, Buffer.alloc(0), [e.major, e.minor]));
        break;
    }
  }
  parts.push(...record(0, 'TRAILER!!!', 0, 1, Buffer.alloc(0), [0, 0]));
  return Buffer.concat(parts);
}
