// Turns a list of planned members into a PlannedTar: the size is summed from
// the plan, and chunks() makes one pass over the members, reading each file
// once, straight into the output chunk.

import { closeSync, openSync, readSync } from 'node:fs';
import type { PlannedTar } from '../model.ts';
import {
  displayName,
  encodeHeader,
  endOfArchiveSize,
  headerSize,
  paddingSize,
  TarError,
  type HeaderOptions,
  type TarHeader,
} from './header.ts';

/** Output chunk size: headers and small files are batched, large files read in pieces of this size. */
export const CHUNK_SIZE = 1 << 20;

/** A member whose metadata is final; files name where their content is read from. */
export interface PlannedMember {
  header: TarHeader;
  /** File entries: the path the content is read from (`header.size` bytes, checked). */
  source?: string | Buffer;
}

/**
 * Collects output into CHUNK_SIZE buffers; full ones wait in `ready` to be yielded.
 * A yielded buffer comes back through release() once the consumer asks for more, so a
 * whole layer streams through two or three buffers instead of allocating one per MiB
 * (the garbage kept peak RSS growing with the image size).
 */
class ChunkBuffer {
  private free: Buffer[] = [];
  buf: Buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  pos = 0;
  produced = 0;
  ready: Buffer[] = [];

  private fresh(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK_SIZE);
  }

  release(b: Buffer): void {
    if (b.length === CHUNK_SIZE && this.free.length < 4) this.free.push(b);
  }

  room(): number {
    return this.buf.length - this.pos;
  }

  /** Moves the current buffer to `ready` when it is full. */
  rotateIfFull(): void {
    if (this.pos < this.buf.length) return;
    this.ready.push(this.buf);
    this.produced += this.buf.length;
    this.buf = this.fresh();
    this.pos = 0;
  }

  write(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; ) {
      this.rotateIfFull();
      const n = Math.min(this.room(), bytes.length - off);
      this.buf.set(bytes.subarray(off, off + n), this.pos);
      this.pos += n;
      off += n;
    }
  }

  zeros(count: number): void {
    while (count > 0) {
      this.rotateIfFull();
      const n = Math.min(this.room(), count);
      this.buf.fill(0, this.pos, this.pos + n);
      this.pos += n;
      count -= n;
    }
  }

  /** Everything not yet yielded, the partial buffer included. */
  flush(): Buffer[] {
    if (this.pos > 0) {
      this.ready.push(this.buf.subarray(0, this.pos));
      this.produced += this.pos;
      this.buf = this.fresh();
      this.pos = 0;
    }
    const out = this.ready;
    this.ready = [];
    return out;
  }

  take(): Buffer[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** Yields buffers, taking each back for reuse once the consumer resumes. */
  *lend(bufs: Buffer[]): Generator<Buffer> {
    for (const b of bufs) {
      yield b;
      this.release(b);
    }
  }
}

const describe = (p: string | Buffer): string => (typeof p === 'string' ? p : p.toString());

function changed(source: string | Buffer, planned: number, how: string): TarError {
  return new TarError(`${describe(source)} changed while archiving: planned ${planned} bytes, ${how}`);
}

/**
 * Reads exactly `size` bytes of `source` into `out`, yielding full chunks as
 * they fill. The last read asks for one byte more than needed: a file that
 * grew fails without an extra system call, one that shrank fails on EOF.
 */
function* copyFile(out: ChunkBuffer, source: string | Buffer, size: number): Generator<Buffer> {
  const fd = openSync(source, 'r');
  try {
    let remaining = size;
    let atEof = false;
    while (remaining > 0) {
      out.rotateIfFull();
      yield* out.lend(out.take());
      const want = Math.min(remaining + 1, out.room());
      const got = readSync(fd, out.buf, out.pos, want, null);
      if (got === 0) throw changed(source, size, `ended after ${size - remaining}`);
      if (got > remaining) throw changed(source, size, 'it has grown');
      out.pos += got;
      remaining -= got;
      atEof = got < want;
    }
    if (!atEof && readSync(fd, Buffer.alloc(1), 0, 1, null) > 0) {
      throw changed(source, size, 'it has grown');
    }
  } finally {
    closeSync(fd);
  }
}

/** The exact length of the archive holding `members`. */
export function archiveSize(members: readonly PlannedMember[], opts: HeaderOptions): number {
  let n = 0;
  for (const m of members) n += headerSize(m.header, opts) + m.header.size + paddingSize(m.header.size);
  return n + endOfArchiveSize(n);
}

async function* stream(
  members: readonly PlannedMember[],
  opts: HeaderOptions,
  size: number,
): AsyncGenerator<Uint8Array> {
  const out = new ChunkBuffer();
  for (const m of members) {
    const h = m.header;
    out.write(encodeHeader(h, opts));
    if (h.type === 'file') {
      if (m.source === undefined) throw new TarError(`${displayName(h)}: a file needs a source`);
      yield* copyFile(out, m.source, h.size);
      out.zeros(paddingSize(h.size));
    }
    if (out.ready.length > 0) yield* out.lend(out.take());
  }
  const written = out.produced + out.pos;
  out.zeros(endOfArchiveSize(written));
  yield* out.lend(out.flush());
  if (out.produced !== size) {
    throw new TarError(`tar writer produced ${out.produced} bytes, planned ${size}`);
  }
}

/** A PlannedTar over members whose metadata (sizes included) is already known. */
export function plannedTar(members: readonly PlannedMember[], opts: HeaderOptions): PlannedTar {
  const size = archiveSize(members, opts);
  return { size, chunks: () => stream(members, opts, size) };
}
