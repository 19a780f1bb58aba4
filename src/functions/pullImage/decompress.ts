// A layer blob as skopeo writes it into a docker-archive: uncompressed. Like
// containers/image, the compression is recognised from the first bytes of the blob, not
// from its media type (a gzip blob typed `tar` is still gunzipped, a plain tar typed
// `tar+gzip` is copied as it is); the archive member is then named by the digest of the
// uncompressed bytes (the diff_id).

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

export function sniffCompression(head: Uint8Array): Compression {
  const b = Buffer.from(head);
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08) return 'gzip';
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (b.length >= 3 && b.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  return 'none';
}

export interface Sniffed {
  compression: Compression;
  /** The whole blob again, first bytes included. */
  chunks: AsyncIterable<Uint8Array>;
}

/** Reads enough of `source` to recognise its compression; the bytes read are not lost. */
export async function sniff(source: AsyncIterable<Uint8Array>): Promise<Sniffed> {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  while (have < 6) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    have += r.value.length;
  }
  const first = Buffer.concat(head);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      if (first.length) yield first;
      while (!ended) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      if (!ended) await it.return?.();
    }
  }
  return { compression: sniffCompression(first), chunks: chunks() };
}

/** The uncompressed bytes of a gzip or zstd stream; errors of the source (a digest mismatch) come through. */
export async function* decompress(compression: 'gzip' | 'zstd', source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflate = compression === 'gzip' ? zlib.createGunzip() : zlib.createZstdDecompress();
  const input = Readable.from(source, { objectMode: false });
  const done = pipeline(input, inflate).catch((err: unknown) => {
    inflate.destroy(err as Error);
    throw err;
  });
  done.catch(() => {}); // observed below; never an unhandled rejection
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
    await done;
  } finally {
    input.destroy();
    inflate.destroy();
  }
}
