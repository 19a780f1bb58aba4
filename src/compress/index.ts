// Compression that uses both cores: the input is cut into fixed-size blocks, each block
// becomes an independent gzip member or zstd frame (a concatenation of members/frames is
// a valid gzip/zstd stream, which docker, skopeo and gunzip read), blocks compress in
// parallel on libuv's thread pool, and come out in input order. Fixed block boundaries
// and fixed parameters keep the output deterministic; node:zlib's output is the same on
// Node 20, 22 and 24.

import { cpus } from 'node:os';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import type { Compressor } from '../spec/attributes.ts';
import { zstdFrames } from './zstdFrames.ts';

/**
 * A member boundary: the compressor ends its current block here. The archive writer puts
 * one before and after every layer's bytes, so a layer is a whole run of members, the
 * same bytes wherever it sits in an archive (and a compressed layer blob of its own).
 */
export const FLUSH: unique symbol = Symbol('flush');
export type Flush = typeof FLUSH;
export type Segmented = AsyncIterable<Uint8Array | Flush>;

/** Drops the member boundaries, for consumers of plain bytes. */
export async function* bytesOnly(source: Segmented): AsyncGenerator<Uint8Array> {
  for await (const c of source) if (c !== FLUSH) yield c;
}

export interface CompressOptions {
  /** Uncompressed bytes per member/frame. */
  blockSize?: number;
  /** Blocks compressing at once; bounds memory to about 2 × blockSize × parallel. */
  parallel?: number;
  level?: number;
}

export const DEFAULT_LEVEL = { gz: 6, zstd: 3 } as const;
const DEFAULT_BLOCK = 4 << 20;

const gzip = promisify(zlib.gzip);
const zstdCompress = promisify(zlib.zstdCompress);

export function compressBlock(kind: Exclude<Compressor, 'none'>, block: Uint8Array, level?: number): Promise<Buffer> {
  if (kind === 'gz') return gzip(block, { level: level ?? DEFAULT_LEVEL.gz });
  return zstdCompress(block, {
    params: {
      [zlib.constants.ZSTD_c_compressionLevel]: level ?? DEFAULT_LEVEL.zstd,
      [zlib.constants.ZSTD_c_checksumFlag]: 1,
    },
  });
}

/** Compresses a byte stream; `none` passes it through. */
export async function* compressStream(
  source: Segmented,
  kind: Compressor,
  opts: CompressOptions = {},
): AsyncGenerator<Uint8Array> {
  if (kind === 'none') {
    yield* bytesOnly(source);
    return;
  }
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK;
  const parallel = Math.max(1, opts.parallel ?? cpus().length + 1);
  const pending: Promise<Buffer>[] = [];
  let parts: Uint8Array[] = [];
  let filled = 0;

  const submit = (): void => {
    const block = parts.length === 1 ? parts[0]! : Buffer.concat(parts, filled);
    const job = compressBlock(kind, block, opts.level);
    job.catch(() => {}); // awaited in order below; avoid an unhandled rejection meanwhile
    pending.push(job);
    parts = [];
    filled = 0;
  };

  for await (const item of source) {
    if (item === FLUSH) {
      if (filled > 0) {
        submit();
        while (pending.length >= parallel) yield await pending.shift()!;
      }
      continue;
    }
    let chunk = item;
    while (chunk.length > 0) {
      const take = Math.min(blockSize - filled, chunk.length);
      // Copy: the producer may reuse its buffers once we move on.
      parts.push(Buffer.from(chunk.subarray(0, take)));
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === blockSize) {
        submit();
        while (pending.length >= parallel) yield await pending.shift()!;
      }
    }
  }
  if (filled > 0 || pending.length === 0) submit();
  while (pending.length > 0) yield await pending.shift()!;
}

export function extensionFor(kind: Compressor): string {
  return kind === 'gz' ? '.tar.gz' : kind === 'zstd' ? '.tar.zst' : '.tar';
}

/** Recognises gzip and zstd by their magic bytes. */
export function sniffCompression(head: Uint8Array): Compressor {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gz';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

const zstdDecompress = promisify(zlib.zstdDecompress);

/**
 * Decompresses a gzip or zstd stream (ours or anyone's: several members/frames are
 * one stream). zstd goes frame by frame, a few in parallel, in order.
 */
export async function* decompressStream(source: AsyncIterable<Uint8Array>, kind: Compressor): AsyncGenerator<Uint8Array> {
  if (kind === 'none') {
    yield* source;
    return;
  }
  if (kind === 'gz') {
    yield* Readable.from(source).pipe(zlib.createGunzip());
    return;
  }
  const pending: Promise<Buffer>[] = [];
  for await (const frame of zstdFrames(source)) {
    const job = zstdDecompress(frame);
    job.catch(() => {});
    pending.push(job);
    if (pending.length > cpus().length) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}
