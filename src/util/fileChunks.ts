// Reading a file (or a run of it) as chunks into one buffer that is reused: for
// consumers that are done with a chunk when they ask for the next (the archive writer
// awaits each write). A fresh 1 MiB buffer per chunk, as fs.createReadStream gives, is
// external memory V8 counts towards its next full GC: copying 500 MB of cached layers
// that way cost ~15 full collections.

import fsp from 'node:fs/promises';

export const READ_CHUNK = 1 << 20;

/** Bytes [start, start + length) of `file` (to its end without `length`); each chunk valid until the next is asked for. */
export async function* reusedChunks(file: string, start = 0, length = Infinity): AsyncGenerator<Uint8Array> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let pos = start;
    let left = length;
    while (left > 0) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left), pos);
      if (bytesRead === 0) {
        if (Number.isFinite(length)) throw new Error(`${file}: ended ${left} bytes early`);
        return;
      }
      pos += bytesRead;
      left -= bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
