// Compression that uses both cores: the input is cut into fixed-size blocks, each block
// becomes an independent gzip member or zstd frame (a concatenation of members/frames is
// a valid gzip/zstd stream, which docker, skopeo and gunzip read), blocks compress in
// parallel on worker threads (pool.ts), and come out in input order. Fixed block boundaries
// and fixed parameters keep the output deterministic; node:zlib's output is the same on
// Node 20, 22 and 24.

import { cpus } from 'node:os';
import zlib from 'node:zlib';
import { defaultCompressPool, giveBlock, outputRoom, takeBlock } from './pool.ts';
import { pipeline, Readable } from 'node:stream';
import type { Compressor } from '../spec/attributes.ts';
import { zstdFrameChunks } from './zstdFrames.ts';
import { formatBytes } from '../util/log.ts';

/**
 * A member boundary: the compressor ends its current block here. The archive writer puts
 * one before and after every layer's bytes, so a layer is a whole run of members, the
 * same bytes wherever it sits in an archive (and a compressed layer blob of its own).
 * `segment` names the bytes up to the next boundary, so their compressed form can be
 * picked out of the output (to keep in the layer cache).
 */
export interface Boundary {
  readonly boundary: true;
  readonly segment?: string;
}
export const FLUSH: Boundary = Object.freeze({ boundary: true });
export type Flush = Boundary;

/**
 * Bytes already compressed as the compressor would have compressed them (a cached
 * layer): passed through when the stream is compressed with `compression`; `plain`
 * gives the uncompressed bytes for any other consumer.
 */
export interface Precompressed {
  readonly precompressed: Compressor;
  chunks(): AsyncIterable<Uint8Array>;
  plain(): AsyncIterable<Uint8Array>;
}

export type StreamItem = Uint8Array | Boundary | Precompressed;
export type Segmented = AsyncIterable<StreamItem>;

function isBoundary(item: StreamItem): item is Boundary {
  return (item as Boundary).boundary === true;
}
function isPrecompressed(item: StreamItem): item is Precompressed {
  return (item as Precompressed).precompressed !== undefined;
}

/** Plain bytes only: boundaries dropped, precompressed runs decompressed. */
export async function* bytesOnly(source: Segmented): AsyncGenerator<Uint8Array> {
  for await (const c of source) {
    if (isBoundary(c)) continue;
    if (isPrecompressed(c)) yield* c.plain();
    else yield c;
  }
}

export interface CompressOptions {
  /** Uncompressed bytes per member/frame. */
  blockSize?: number;
  /** Blocks compressing at once; bounds memory to about 2 × blockSize × parallel. */
  parallel?: number;
  level?: number;
  /** Sees every output chunk just before it is yielded, with the segment its input came from. */
  tap?(segment: string | undefined, bytes: Uint8Array): void;
  /**
   * The consumer is done with an output chunk when it asks for the next (it awaits each
   * write): chunks are then views of reused buffers, with no copy and no garbage.
   * Otherwise each chunk is a buffer of its own, which the consumer may keep.
   */
  transient?: boolean;
}

// Measured here on shared libraries (one core): gzip 3 runs at 97 MB/s for a 0.321 ratio
// where gzip 6 (pigz's default) gives 48 MB/s for 0.305; zstd 1 at 308 MB/s for 0.320
// where zstd 3 gives 207 MB/s for 0.280. Twice the speed for a few percent of size.
export const DEFAULT_LEVEL = { gz: 3, zstd: 1 } as const;
export const DEFAULT_BLOCK = 4 << 20;
// Bumped whenever the same input and level would compress to other bytes (layer cache
// keys include it). 2: blocks are compressed in one pass (src/compress/pool.ts).
export const ENCODER_REVISION = 2;

/** One block as one gzip member / zstd frame (the bytes depend on block and level only). */
export async function compressBlock(kind: Exclude<Compressor, 'none'>, block: Uint8Array, level?: number): Promise<Buffer> {
  return defaultCompressPool().compress(kind, block, level ?? DEFAULT_LEVEL[kind]);
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
  // Workers read blocks and write output slots in place; both are reused once their job
  // is done (a transient output slot once the consumer asks for the next chunk): memory
  // stays at about (parallel + 1) blocks in and out, whatever the image size.
  const pool = defaultCompressPool();
  const level = opts.level ?? DEFAULT_LEVEL[kind];
  const slotSize = outputRoom(blockSize);
  const spare: Uint8Array[] = [];
  const pending: { job: Promise<number>; out: Uint8Array; segment: string | undefined }[] = [];
  let block = takeBlock(blockSize);
  let filled = 0;
  let segment: string | undefined;
  let finished = false;
  let lent: Uint8Array | undefined; // the output slot the consumer holds (transient)

  // A block goes back to this stream's spares, or once the stream is over, to the pool's.
  const release = (b: Uint8Array): void => void (finished ? giveBlock(b) : spare.push(b));
  const submit = (): void => {
    const input = block;
    const out = takeBlock(slotSize);
    const job = pool.run(kind, input, filled, level, out);
    // Settled (either way), the worker is done reading the block.
    job.then(
      () => release(input),
      () => release(input), // the error itself is awaited in order below
    );
    pending.push({ job, out, segment });
    block = spare.pop() ?? takeBlock(blockSize);
    filled = 0;
  };
  let produced = false;
  const next = async (): Promise<Uint8Array> => {
    if (lent) giveBlock(lent);
    lent = undefined;
    const { job, out, segment: of } = pending.shift()!;
    let n: number;
    try {
      n = await job;
    } catch (err) {
      giveBlock(out);
      throw err;
    }
    produced = true;
    let chunk: Uint8Array;
    if (opts.transient) {
      chunk = Buffer.from(out.buffer, out.byteOffset, n);
      lent = out;
    } else {
      chunk = Buffer.from(out.subarray(0, n));
      giveBlock(out);
    }
    opts.tap?.(of, chunk);
    return chunk;
  };

  try {
    for await (const item of source) {
      if (isBoundary(item) || isPrecompressed(item)) {
        if (filled > 0) submit();
        if (isBoundary(item)) {
          while (pending.length >= parallel) yield await next();
          segment = item.segment;
          continue;
        }
        // A run compressed earlier goes out in order: everything before it first.
        while (pending.length > 0) yield await next();
        produced = true;
        if (item.precompressed === kind) yield* item.chunks();
        else for await (const c of compressStream(item.plain(), kind, { ...opts, tap: undefined })) yield c;
        continue;
      }
      for (let off = 0; off < item.length; ) {
        const take = Math.min(blockSize - filled, item.length - off);
        block.set(item.subarray(off, off + take), filled);
        filled += take;
        off += take;
        if (filled === blockSize) {
          submit();
          while (pending.length >= parallel) yield await next();
        }
      }
    }
    // An empty input still gives a valid (empty) stream: one member of nothing.
    if (filled > 0 || (!produced && pending.length === 0)) submit();
    while (pending.length > 0) yield await next();
  } finally {
    finished = true;
    for (const b of [block, ...spare.splice(0)]) giveBlock(b);
    if (lent) giveBlock(lent);
    // Slots of jobs never collected (the consumer stopped early) return once they settle.
    for (const p of pending.splice(0)) p.job.then(() => giveBlock(p.out), () => giveBlock(p.out));
  }
}

/** The endings extensionFor gives, and `.oci.tar` (an OCI image layout archive of several platforms). */
export const ARCHIVE_ENDING = /(\.oci)?\.tar(\.gz|\.zst)?$/;

export function extensionFor(kind: Compressor): string {
  return kind === 'gz' ? '.tar.gz' : kind === 'zstd' ? '.tar.zst' : '.tar';
}

/** Recognises gzip and zstd by their magic bytes. */
export function sniffCompression(head: Uint8Array): Compressor {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gz';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * How far a compressed input may expand: `ratio` times its compressed size, and at least
 * `floor` bytes. gzip cannot pass 1032:1; zstd reaches 32768:1 on constant data, which
 * real images hold only in small doses, while a bomb of a few KB would fill the disk.
 */
export const EXPANSION_LIMIT = { ratio: 1100, floor: 1 << 30 } as const;

export class ExpansionError extends Error {
  override name = 'ExpansionError';
}

export interface DecompressOptions {
  /** Bytes of the compressed input, when known: the output is refused beyond EXPANSION_LIMIT of it. */
  compressedSize?: number;
  /** Names the input in errors. */
  name?: string;
}

/** Bytes a compressed input of `compressedSize` bytes may decompress to. */
export function expansionLimit(compressedSize: number): number {
  return Math.max(EXPANSION_LIMIT.floor, EXPANSION_LIMIT.ratio * compressedSize);
}

const DECODE_CHUNK = 1 << 20;

/**
 * Decompresses a gzip or zstd stream (ours or anyone's: several members/frames are one
 * stream) as a stream, in bounded memory, refusing output beyond the expansion limit.
 */
export async function* decompressStream(source: AsyncIterable<Uint8Array>, kind: Compressor, opts: DecompressOptions = {}): AsyncGenerator<Uint8Array> {
  if (kind === 'none') {
    yield* source;
    return;
  }
  const decoder = kind === 'gz' ? zlib.createGunzip({ chunkSize: DECODE_CHUNK }) : zlib.createZstdDecompress({ chunkSize: DECODE_CHUNK });
  // Node's zstd decoder needs its input cut at frame ends (zstdFrames.ts).
  const input = Readable.from(kind === 'zstd' ? zstdFrameChunks(source) : source, { objectMode: false });
  const out = pipeline(input, decoder, () => {}) as Readable;
  const limit = opts.compressedSize === undefined ? Infinity : expansionLimit(opts.compressedSize);
  let n = 0;
  try {
    for await (const chunk of out) {
      n += (chunk as Buffer).length;
      if (n > limit) {
        throw new ExpansionError(
          `${opts.name ?? 'the input'} decompresses to more than ${formatBytes(limit)} (over ${EXPANSION_LIMIT.ratio} times its ${formatBytes(opts.compressedSize!)}); refused as a decompression bomb`,
        );
      }
      yield chunk as Buffer;
    }
  } finally {
    out.destroy();
    input.destroy();
  }
}
