// The layers of a docker-archive built elsewhere (the action's `image`, pullImage's
// archive, `nix-docker push ARCHIVE`), made ready for a push with their compressed digests
// known before the first request: a registry that has a blob then costs one HEAD, cache or
// no cache. A layer stored compressed in the archive is pushed as it is; a plain one comes
// from the layer cache (under its diff_id), else it is compressed once to a scratch file
// (in the cache's scratch directory when there is a cache, so keeping it is a rename).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { LayerCache } from '../cache/index.ts';
import { ScratchCopy } from '../cache/index.ts';
import { compressStream } from '../compress/index.ts';
import { cachedBlob, layerCacheKey } from '../functions/layerCache.ts';
import type { BaseImage } from '../image/baseImage.ts';
import { fileRange } from '../image/dockerArchive.ts';
import type { Compressor } from '../spec/attributes.ts';
import type { Logger } from '../util/log.ts';
import type { PushLayer } from './push.ts';

/** The layer cache key of an archive's layer: its content (diff_id) and the compression asked for. */
export const archiveLayerKey = (diffId: string, compressor: Compressor = 'gz') => layerCacheKey(`docker-archive-layer ${diffId}`, compressor);

export interface ArchivePushLayer extends PushLayer {
  /** How its blob was found: `archive` (stored compressed), `cache`, `compressed` here, `plain` (compressor none). */
  source: 'archive' | 'cache' | 'compressed' | 'plain' | 'streamed';
}

export interface ArchivePushLayers {
  layers: ArchivePushLayer[];
  /** Hands the blobs compressed here to the cache (a rename where it can) and removes the scratch files. */
  finish(): Promise<void>;
}

/**
 * Every layer of `image` with its compressed blob known. A scratch file that cannot be
 * written leaves that layer to be compressed on the way to the registry (no HEAD then), with
 * a warning: a full scratch disk is no reason to fail a push.
 */
export async function archivePushLayers(
  image: BaseImage,
  opts: { compressor: Compressor; cache?: LayerCache; workDir: string; log: Logger },
): Promise<ArchivePushLayers> {
  const { compressor, cache, log } = opts;
  const hits = cache && compressor !== 'none' ? await cache.lookup(image.layers.map((l) => archiveLayerKey(l.diffId, compressor))) : new Map();
  const scratchDir = (cache && (await cache.scratchDir?.().catch(() => undefined))) ?? opts.workDir;
  const kept: { key: string; file: string; diffId: string; digest: string; size: number; compressedSize: number }[] = [];
  const scratch: ScratchCopy[] = [];
  const finish = async () => {
    for (const k of kept) {
      // Keeping a layer is never worth failing a push for.
      await cache
        ?.put(k.key, { blobPath: k.file, handOver: true, diffId: k.diffId, digest: k.digest, size: k.size, compressedSize: k.compressedSize, compressor })
        .catch((err: Error) => log.warn(`layer cache: could not keep ${k.digest}: ${err.message}`));
    }
    await Promise.all(scratch.map((s) => s.discard()));
  };
  const layers: ArchivePushLayer[] = [];
  const start = performance.now();
  try {
    for (const l of image.layers) {
      const chunks = fileRange(l.file, l.offset, l.size);
      const base = { member: l.member, size: l.size, chunks, diffId: l.diffId, paths: [l.member] };
      if (l.compression !== 'none' && l.blobDigest) {
        // Stored compressed (and checked against its diff_id when read): pushed as it is.
        layers.push({ ...base, source: 'archive', blob: { digest: l.blobDigest, size: l.size, compression: l.compression, open: chunks } });
        continue;
      }
      if (compressor === 'none') {
        layers.push({ ...base, source: 'plain', blob: { digest: l.diffId, size: l.size, compression: 'none', open: chunks } });
        continue;
      }
      const key = archiveLayerKey(l.diffId, compressor);
      const hit = hits.get(key);
      if (hit) {
        const blob = cachedBlob(hit);
        layers.push({ ...base, source: 'cache', blob: { digest: blob.digest, size: blob.compressedSize, compression: compressor, open: blob.open } });
        continue;
      }
      const copy = new ScratchCopy(scratchDir);
      scratch.push(copy);
      const hash = createHash('sha256');
      let compressedSize = 0;
      for await (const out of compressStream(chunks(), compressor)) {
        hash.update(out);
        compressedSize += out.length;
        await copy.write(out);
      }
      const file = await copy.finish();
      if (!file) {
        log.warn(`layer ${l.member}: could not write its compressed copy in ${scratchDir}; it is compressed again on the way to each registry, which cannot be asked whether it has it`);
        layers.push({ ...base, source: 'streamed' });
        continue;
      }
      const digest = `sha256:${hash.digest('hex')}`;
      kept.push({ key, file, diffId: l.diffId, digest, size: l.size, compressedSize });
      layers.push({ ...base, source: 'compressed', blob: { digest, size: compressedSize, compression: compressor, open: () => fs.createReadStream(file, { highWaterMark: 1 << 20 }) } });
    }
  } catch (err) {
    await Promise.all(scratch.map((s) => s.discard()));
    throw err;
  }
  const done = kept.length;
  if (done > 0) {
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    log.info(`Compressed ${done} layer${done === 1 ? '' : 's'} (${kept.reduce((n, k) => n + k.compressedSize, 0)} bytes) in ${seconds} s: their digests are known before the push`);
  }
  return { layers, finish };
}
