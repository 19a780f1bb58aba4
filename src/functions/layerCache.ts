// The layer cache as the engine uses it: what a layer's key is, what a hit becomes in
// the archive and in a push, and how a freshly compressed layer is picked out of the
// output and kept.
//
// A key covers everything that decides a layer's compressed bytes: the layer's content
// key (store paths + ownership + tar format, or a hash of a built layer's inputs), the
// compressor and its level and block size. Never a timestamp or a machine path.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { CachedLayer, LayerCache } from '../cache/index.ts';
import { DEFAULT_BLOCK, DEFAULT_LEVEL, ENCODER_REVISION } from '../compress/index.ts';
import type { CachedBlob } from '../image/dockerArchive.ts';
import type { Compressor } from '../spec/attributes.ts';
import { reusedChunks } from '../util/fileChunks.ts';

export function layerCacheKey(contentKey: string, compressor: Compressor): string {
  const level = compressor === 'none' ? 0 : DEFAULT_LEVEL[compressor];
  return createHash('sha256').update(JSON.stringify({ contentKey, compressor, level, block: DEFAULT_BLOCK, encoder: ENCODER_REVISION })).digest('hex');
}

export function cachedBlob(entry: CachedLayer): CachedBlob & { size: number } {
  return {
    compression: entry.compressor,
    diffId: entry.diffId,
    digest: entry.digest,
    compressedSize: entry.compressedSize,
    size: entry.size,
    chunks: () => reusedChunks(entry.blobPath, 0, entry.compressedSize),
    open: () => fs.createReadStream(entry.blobPath, { highWaterMark: 1 << 20 }),
  };
}

/** Looks up content keys; hits come back by content key. A disabled cache finds nothing. */
export async function lookupLayers(
  cache: LayerCache | undefined,
  compressor: Compressor,
  contentKeys: readonly string[],
): Promise<Map<string, CachedBlob & { size: number; cacheKey: string }>> {
  const out = new Map<string, CachedBlob & { size: number; cacheKey: string }>();
  if (!cache || compressor === 'none' || contentKeys.length === 0) return out;
  const keys = contentKeys.map((k) => layerCacheKey(k, compressor));
  const found = await cache.lookup(keys);
  contentKeys.forEach((k, i) => {
    const hit = found.get(keys[i]!);
    if (hit) out.set(k, { ...cachedBlob(hit), cacheKey: keys[i]! });
  });
  return out;
}

interface Segment {
  start: number;
  length: number;
  hash: ReturnType<typeof createHash>;
  digest?: string;
  copy?: SegmentCopy;
}

/** A segment's bytes written to a file of their own as they go by, to hand to the cache. */
interface SegmentCopy {
  file: string;
  handle: Promise<FileHandle>;
  /** Why the copy is unusable (the segment is then kept as a range of the output). */
  failed?: string;
}

export interface SegmentCopies {
  /** Where the copies are written: the cache's scratch directory, so keeping one is a rename. */
  dir: string;
  /** Whether a segment will be kept (a layer with a cache key). */
  wants(segment: string): boolean;
}

/**
 * Watches the compressed output of an archive: where each named segment (a layer's
 * compressed bytes) starts in the output and its digest, so the layer can be kept in the
 * cache with no second compression. With `copies`, the segments to keep are also written
 * to files of their own while the output is written (two files fill in parallel, where
 * copying the ranges afterwards would read and write them all again after the build);
 * without, or when a copy fails, a layer is kept as a byte range of the output file.
 */
export class SegmentRecorder {
  private offset = 0;
  private pending: string | undefined;
  private readonly segments = new Map<string, Segment>();

  private readonly copies: SegmentCopies | undefined;

  constructor(copies?: SegmentCopies) {
    this.copies = copies;
  }

  /** compressStream's tap: the next output chunk belongs to `segment`. */
  readonly tap = (segment: string | undefined): void => {
    this.pending = segment;
  };

  /** Passes output through, noting the positions of tapped segments. */
  async *track(output: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of output) {
      const seg = this.pending;
      this.pending = undefined;
      let copying: Promise<void> | undefined;
      if (seg !== undefined) {
        let s = this.segments.get(seg);
        if (!s) this.segments.set(seg, (s = { start: this.offset, length: 0, hash: createHash('sha256'), copy: this.startCopy(seg) }));
        if (s.start + s.length !== this.offset) throw new Error(`segment ${seg} is not contiguous in the output`);
        s.length += chunk.length;
        s.hash.update(chunk);
        if (s.copy && !s.copy.failed) copying = writeCopy(s.copy, chunk);
      }
      this.offset += chunk.length;
      yield chunk;
      // Before the source is asked for more: a chunk may be a view of a buffer it reuses.
      if (copying) await copying;
    }
  }

  /** Where a layer (by archive member) sits, compressed, in the output, and its digest. */
  find(member: string): { offset: number; size: number; digest: string } | undefined {
    const seg = this.segments.get(member);
    if (!seg) return undefined;
    seg.digest ??= `sha256:${seg.hash.digest('hex')}`;
    return { offset: seg.start, size: seg.length, digest: seg.digest };
  }

  /**
   * Puts every recorded layer that has a cache key into the cache: its copy, handed over,
   * or else its range of `file` (the finished output).
   */
  async keep(cache: LayerCache, file: string, compressor: Compressor, layers: readonly { member: string; cacheKey?: string; diffId: string; size: number }[]): Promise<number> {
    let kept = 0;
    const done = new Set<string>();
    for (const layer of layers) {
      const seg = this.find(layer.member);
      if (!seg || !layer.cacheKey || done.has(layer.member)) continue;
      done.add(layer.member); // a layer listed twice is kept once
      const copy = await this.finishCopy(layer.member);
      const where = copy ? { blobPath: copy, handOver: true } : { blobPath: file, blobOffset: seg.offset };
      await cache.put(layer.cacheKey, { ...where, compressedSize: seg.size, digest: seg.digest, diffId: layer.diffId, size: layer.size, compressor });
      if (copy) await fsp.rm(copy, { force: true });
      kept++;
    }
    return kept;
  }

  /** Removes the copies not handed over (all of them when the output failed). */
  async discard(): Promise<void> {
    for (const member of this.segments.keys()) {
      const copy = await this.finishCopy(member);
      if (copy) await fsp.rm(copy, { force: true });
    }
  }

  private startCopy(segment: string): SegmentCopy | undefined {
    if (!this.copies?.wants(segment)) return undefined;
    const file = path.join(this.copies.dir, `.segment-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    const copy: SegmentCopy = { file, handle: fsp.open(file, 'wx', 0o444) };
    copy.handle.catch((err: Error) => (copy.failed ??= err.message));
    return copy;
  }

  /** Closes a segment's copy: its file when complete; a failed one is removed. */
  private async finishCopy(member: string): Promise<string | undefined> {
    const seg = this.segments.get(member);
    const copy = seg?.copy;
    if (!seg || !copy) return undefined;
    seg.copy = undefined;
    const closed = await copy.handle.then((h) => h.close()).then(() => true, () => false);
    if (closed && !copy.failed) return copy.file;
    await fsp.rm(copy.file, { force: true });
    return undefined;
  }
}

async function writeCopy(copy: SegmentCopy, chunk: Uint8Array): Promise<void> {
  try {
    const handle = await copy.handle;
    for (let off = 0; off < chunk.length; ) off += (await handle.write(chunk, off, chunk.length - off)).bytesWritten;
  } catch (err) {
    copy.failed ??= (err as Error).message; // the layer is kept from the output instead
  }
}
