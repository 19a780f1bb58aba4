// Reading a file (or a run of it) as chunks into buffers that are reused: for consumers
// that are done with a chunk when they ask for the next (the archive writer awaits each
// write). A fresh 1 MiB buffer per chunk, as fs.createReadStream gives, is external
// memory V8 counts towards its next full GC: copying 500 MB of cached layers that way
// cost ~15 full collections. Two buffers: the next chunk is read while the consumer
// writes the current one (a serial read-write-read measured ~1.5x slower here).

import fsp from 'node:fs/promises';

export const READ_CHUNK = 1 << 20;

// Buffers outlive one file: an archive copies its cached layers one after another.
const spare: Buffer[] = [];

/** Bytes [start, start + length) of `file` (to its end without `length`); each chunk valid until the next is asked for. */
export async function* reusedChunks(file: string, start = 0, length = Infinity): AsyncGenerator<Uint8Array> {
  const fh = await fsp.open(file, 'r');
  const buffers = [spare.pop() ?? Buffer.allocUnsafe(READ_CHUNK), spare.pop() ?? Buffer.allocUnsafe(READ_CHUNK)];
  let pos = start;
  let left = length;
  const readInto = (buf: Buffer): Promise<Uint8Array> | undefined => {
    if (left <= 0) return undefined;
    const want = Math.min(buf.length, left);
    const at = pos;
    pos += want;
    left -= want;
    return fh.read(buf, 0, want, at).then(({ bytesRead }) => {
      if (bytesRead < want) {
        if (Number.isFinite(length)) throw new Error(`${file}: ended ${want - bytesRead + Math.max(0, left)} bytes early`);
        left = 0; // end of file: this chunk is the last
      }
      return buf.subarray(0, bytesRead);
    });
  };
  let pending = readInto(buffers[0]!);
  try {
    for (let i = 1; pending; i++) {
      const chunk = await pending;
      // The other buffer is free again: the consumer asked for this chunk, so it is done with the last.
      pending = readInto(buffers[i % 2]!);
      pending?.catch(() => {}); // awaited on the next turn; not unhandled meanwhile
      if (chunk.length > 0) yield chunk;
    }
  } finally {
    await pending?.catch(() => {});
    await fh.close();
    // Returned once no read is in flight and the consumer has moved on (it asked for more, or stopped).
    if (spare.length < 4) spare.push(...buffers);
  }
}
