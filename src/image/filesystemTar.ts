// A LayerTree as the tar nixpkgs' exportImage writes in its VM:
//   tar -C mnt --hard-dereference --sort=name --mtime="@$SOURCE_DATE_EPOCH" -cf $out .
// i.e. GNU tar 1.34's default (gnu) format: "./" then depth first, siblings in byte order,
// every mtime the same, hard links as files. File contents are copied by range from the
// layers through one reused 1 MiB buffer, so memory stays flat whatever the image size.
//
// Owner names are what that tar finds in the VM's user databases: its /etc/passwd holds
// only root and there is no /etc/group, so uname is "root" for uid 0 and "" otherwise,
// and gname is always "" (`tar -tv` shows "root/0", as in the manual's listing); the
// ././@LongLink entries get uname "root", gname "" likewise.

import fsp, { type FileHandle } from 'node:fs/promises';
import { encodeHeader, endOfArchiveSize, paddingSize, TarError, type HeaderOptions, type TarHeader } from '../tar/header.ts';
import type { FsNode } from './flattenLayers.ts';

/** SOURCE_DATE_EPOCH in nixpkgs builds: 1980-01-01T00:00:00Z. */
export const NIXPKGS_SOURCE_DATE_EPOCH = 315532800;

const HEADER_OPTIONS: HeaderOptions = { dialect: 'gnu', longLinkOwner: 'root', longLinkGroup: '' };
const CHUNK = 1 << 20;

export interface FilesystemTarStats {
  members: number;
  bytes: number;
}

/** The names under `dir`, in GNU tar's --sort=name order (strcmp of the bytes). */
function sortedNames(dir: FsNode): string[] {
  // One character per byte, so code-unit order is byte order.
  return [...dir.children!.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function headerFor(name: string, node: FsNode, mtime: number): TarHeader {
  return {
    name: Buffer.from(name, 'latin1'),
    type: node.type,
    mode: node.mode,
    size: node.type === 'file' ? node.content!.size : 0,
    mtime,
    uid: node.uid,
    gid: node.gid,
    uname: node.uid === 0 ? 'root' : '',
    gname: '',
    ...(node.linkname !== undefined ? { linkname: Buffer.from(node.linkname, 'latin1') } : {}),
    ...(node.type === 'char' || node.type === 'block' ? { devmajor: node.devmajor ?? 0, devminor: node.devminor ?? 0 } : {}),
  };
}

/** Streams the tree rooted at `root` as a GNU tar; `stats` is filled in as it goes. */
export async function* filesystemTar(root: FsNode, opts: { mtime?: number; stats?: FilesystemTarStats } = {}): AsyncGenerator<Uint8Array> {
  const mtime = opts.mtime ?? NIXPKGS_SOURCE_DATE_EPOCH;
  const stats = opts.stats ?? { members: 0, bytes: 0 };
  const handles = new Map<string, FileHandle>();
  // The consumer has finished with a yielded chunk when it asks for the next (writeFileAtomic
  // awaits each write), so two buffers alternate.
  const spare: Buffer[] = [];
  let buf: Buffer = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let written = 0;
  function* flush(): Generator<Uint8Array> {
    if (pos === 0) return;
    const full = buf;
    const n = pos;
    buf = spare.pop() ?? Buffer.allocUnsafe(CHUNK);
    pos = 0;
    written += n;
    yield full.subarray(0, n);
    spare.push(full);
  }
  function* put(bytes: Uint8Array): Generator<Uint8Array> {
    for (let off = 0; off < bytes.length; ) {
      if (pos === CHUNK) yield* flush();
      const n = Math.min(CHUNK - pos, bytes.length - off);
      buf.set(bytes.subarray(off, off + n), pos);
      pos += n;
      off += n;
    }
  }
  function* zeros(count: number): Generator<Uint8Array> {
    while (count > 0) {
      if (pos === CHUNK) yield* flush();
      const n = Math.min(CHUNK - pos, count);
      buf.fill(0, pos, pos + n);
      pos += n;
      count -= n;
    }
  }
  const open = async (file: string): Promise<FileHandle> => {
    let fh = handles.get(file);
    if (!fh) {
      fh = await fsp.open(file, 'r');
      handles.set(file, fh);
    }
    return fh;
  };

  try {
    // Depth first without recursion: a stack of [member name, node], children pushed in reverse.
    const stack: [string, FsNode][] = [['./', root]];
    while (stack.length > 0) {
      const [name, node] = stack.pop()!;
      const header = headerFor(name, node, mtime);
      yield* put(encodeHeader(header, HEADER_OPTIONS));
      stats.members++;
      if (node.type === 'file') {
        const { file, offset, size } = node.content!;
        const fh = await open(file);
        for (let done = 0; done < size; ) {
          if (pos === CHUNK) yield* flush();
          const want = Math.min(CHUNK - pos, size - done);
          const { bytesRead } = await fh.read(buf, pos, want, offset + done);
          if (bytesRead === 0) throw new TarError(`${file}: ended inside the content of ${name}`);
          pos += bytesRead;
          done += bytesRead;
        }
        yield* zeros(paddingSize(size));
      }
      if (node.type === 'directory') {
        const names = sortedNames(node);
        for (let i = names.length - 1; i >= 0; i--) {
          const child = node.children!.get(names[i]!)!;
          stack.push([`${name}${names[i]}${child.type === 'directory' ? '/' : ''}`, child]);
        }
      }
    }
    yield* zeros(endOfArchiveSize(written + pos));
    yield* flush();
    stats.bytes = written;
  } finally {
    for (const fh of handles.values()) await fh.close();
  }
}
