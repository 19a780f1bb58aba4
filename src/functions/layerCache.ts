// The layer cache as the engine uses it: what a layer's key is, what a hit becomes in
// the archive and in a push, and how a freshly compressed layer is picked out of the
// output and kept.
//
// A key covers everything that decides a layer's compressed bytes: the layer's content
// key (store paths + ownership + tar format, or a hash of a built layer's inputs), the
// compressor and its level and block size. Never a timestamp or a machine path.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ScratchCopy, type CachedLayer, type LayerCache } from '../cache/index.ts';
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
  /** The segment's bytes in a file of their own, to hand to the cache. */
  copy?: ScratchCopy;
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
        if (!s) {
          const copy = this.copies?.wants(seg) ? new ScratchCopy(this.copies.dir) : undefined;
          this.segments.set(seg, (s = { start: this.offset, length: 0, hash: createHash('sha256'), copy }));
        }
        if (s.start + s.length !== this.offset) throw new Error(`segment ${seg} is not contiguous in the output`);
        s.length += chunk.length;
        s.hash.update(chunk);
        copying = s.copy?.write(chunk);
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
   * or else its range of `output` (the finished output file).
   */
  async keep(cache: LayerCache, output: string, compressor: Compressor, layers: readonly { member: string; cacheKey?: string; diffId: string; size: number }[]): Promise<number> {
    let kept = 0;
    const done = new Set<string>();
    for (const layer of layers) {
      const seg = this.find(layer.member);
      if (!seg || !layer.cacheKey || done.has(layer.member)) continue;
      done.add(layer.member); // a layer listed twice is kept once
      const copy = this.takeCopy(layer.member);
      const file = await copy?.finish();
      const where = file ? { blobPath: file, handOver: true } : { blobPath: output, blobOffset: seg.offset };
      await cache.put(layer.cacheKey, { ...where, compressedSize: seg.size, digest: seg.digest, diffId: layer.diffId, size: layer.size, compressor });
      await copy?.discard();
      kept++;
    }
    return kept;
  }

  /** Removes the copies not handed over (all of them when the output failed). */
  async discard(): Promise<void> {
    for (const member of this.segments.keys()) await this.takeCopy(member)?.discard();
  }

  private takeCopy(member: string): ScratchCopy | undefined {
    const seg = this.segments.get(member);
    const copy = seg?.copy;
    if (seg) seg.copy = undefined;
    return copy;
  }
}
