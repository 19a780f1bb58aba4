// Helpers for an outer archive (the docker-archive: layers, config,
// manifest.json), whose members are whole files: in-memory bytes or planned
// tars. Defaults are those of a fresh tarfile.TarInfo, as
// stream_layered_image.py's add_bytes and add_layer_dir leave them.

import type { PlannedTar } from '../model.ts';
import {
  encodeHeader,
  endOfArchiveSize,
  headerSize,
  paddingSize,
  TarError,
  type Dialect,
  type TarHeader,
} from './header.ts';

/** A regular file member's metadata. */
export interface FileInfo {
  name: string;
  /** Content length in bytes. */
  size: number;
  mtime: number;
  /** Default 0o644. */
  mode?: number;
  /** Default 0. */
  uid?: number;
  gid?: number;
  /** Default "". */
  uname?: string;
  gname?: string;
}

/** A member of planArchive: the size comes from the body. */
export interface ArchiveMember extends Omit<FileInfo, 'size'> {
  body: Uint8Array | PlannedTar;
}

function fileHeader(info: FileInfo): TarHeader {
  return {
    name: info.name,
    type: 'file',
    size: info.size,
    mtime: info.mtime,
    mode: info.mode ?? 0o644,
    uid: info.uid ?? 0,
    gid: info.gid ?? 0,
    uname: info.uname ?? '',
    gname: info.gname ?? '',
  };
}

/** Header bytes (with any pax entry it needs) of a regular file member. */
export function encodeFileHeader(info: FileInfo, dialect: Dialect = 'python-pax'): Buffer {
  return encodeHeader(fileHeader(info), { dialect });
}

/** Zeros that follow `size` bytes of member content to the block boundary. */
export function padding(size: number): Buffer {
  return Buffer.alloc(paddingSize(size));
}

/** Zeros that end an archive after `written` bytes: two blocks, then up to a 10240-byte record. */
export function endOfArchive(written: number): Buffer {
  return Buffer.alloc(endOfArchiveSize(written));
}

const bodySize = (body: Uint8Array | PlannedTar): number =>
  body instanceof Uint8Array ? body.length : body.size;

/**
 * An archive of whole-file members, in order, as a PlannedTar: planned tars
 * are streamed through (their size goes in the header first), byte arrays
 * copied. Each planned body must produce exactly its `size` (asserted).
 */
export function planArchive(members: readonly ArchiveMember[], dialect: Dialect = 'python-pax'): PlannedTar {
  let size = 0;
  for (const m of members) {
    const n = bodySize(m.body);
    size += headerSize(fileHeader({ ...m, size: n }), { dialect }) + n + paddingSize(n);
  }
  size += endOfArchiveSize(size);

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let written = 0;
    for (const m of members) {
      const n = bodySize(m.body);
      const head = encodeFileHeader({ ...m, size: n }, dialect);
      yield head;
      written += head.length;
      if (m.body instanceof Uint8Array) {
        if (n > 0) yield m.body;
      } else {
        let got = 0;
        for await (const chunk of m.body.chunks()) {
          got += chunk.length;
          if (got > n) break;
          yield chunk;
        }
        if (got !== n) throw new TarError(`archive member ${m.name}: planned ${n} bytes, got ${got}`);
      }
      written += n;
      const pad = paddingSize(n);
      if (pad > 0) yield Buffer.alloc(pad);
      written += pad;
    }
    const end = endOfArchive(written);
    yield end;
    written += end.length;
    if (written !== size) throw new TarError(`archive: planned ${size} bytes, wrote ${written}`);
  }
  return { size, chunks };
}
