// The layer cache as the engine uses it: what a layer's key is, what a hit becomes in
// the archive and in a push, and how a freshly compressed layer is picked out of the
// output and kept.
//
// A key covers everything that decides a layer's compressed bytes: the layer's content
// key (store paths + ownership + tar format, or a hash of a built layer's inputs), the
// compressor and its level and block size. Never a timestamp or a machine path.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
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
}

/**
 * Watches the compressed output of an archive: where each named segment (a layer's
 * compressed bytes) starts in the output and its digest, so the layer can be kept in the
 * cache as a byte range of the output file, with no second copy or compression.
 */
export class SegmentRecorder {
  private offset = 0;
  private pending: string | undefined;
  private readonly segments = new Map<string, Segment>();

  /** compressStream's tap: the next output chunk belongs to `segment`. */
  readonly tap = (segment: string | undefined): void => {
    this.pending = segment;
  };

  /** Passes output through, noting the positions of tapped segments. */
  async *track(output: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of output) {
      const seg = this.pending;
      this.pending = undefined;
      if (seg !== undefined) {
        let s = this.segments.get(seg);
        if (!s) this.segments.set(seg, (s = { start: this.offset, length: 0, hash: createHash('sha256') }));
        if (s.start + s.length !== this.offset) throw new Error(`segment ${seg} is not contiguous in the output`);
        s.length += chunk.length;
        s.hash.update(chunk);
      }
      this.offset += chunk.length;
      yield chunk;
    }
  }

  /** Where a layer (by archive member) sits, compressed, in the output, and its digest. */
  find(member: string): { offset: number; size: number; digest: string } | undefined {
    const seg = this.segments.get(member);
    if (!seg) return undefined;
    seg.digest ??= `sha256:${seg.hash.digest('hex')}`;
    return { offset: seg.start, size: seg.length, digest: seg.digest };
  }

  /** Puts every recorded layer that has a cache key into the cache, as a range of `file` (the finished output). */
  async keep(cache: LayerCache, file: string, compressor: Compressor, layers: readonly { member: string; cacheKey?: string; diffId: string; size: number }[]): Promise<number> {
    let kept = 0;
    const done = new Set<string>();
    for (const layer of layers) {
      const seg = this.find(layer.member);
      if (!seg || !layer.cacheKey || done.has(layer.member)) continue;
      done.add(layer.member); // a layer listed twice is kept once
      await cache.put(layer.cacheKey, {
        blobPath: file,
        blobOffset: seg.offset,
        compressedSize: seg.size,
        digest: seg.digest,
        diffId: layer.diffId,
        size: layer.size,
        compressor,
      });
      kept++;
    }
    return kept;
  }
}
