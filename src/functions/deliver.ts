// Writes a planned image where it was asked to go: stdout, a file (compressed as the
// spec says), the Docker engine. An output file appears only once complete: it is
// written beside its final name and renamed, and removed on any failure.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { bytesOnly, compressStream, decompressStream } from '../compress/index.ts';
import { dockerArchive, type ArchiveResult } from '../image/dockerArchive.ts';
import { dockerLoadLogged } from '../sinks/dockerLoad.ts';
import { pushToRegistries, type PushedImage, type PushLayer, type PushSettings } from '../sinks/push.ts';
import type { LayerCache } from '../cache/index.ts';
import { SegmentRecorder } from './layerCache.ts';
import type { Compressor } from '../spec/attributes.ts';
import type { Logger } from '../util/log.ts';
import { removeOnSignal } from '../util/cleanup.ts';
import type { ImagePlan } from './layeredImage.ts';

export interface DeliverOptions {
  out?: string;
  stdout?: Writable;
  load: boolean;
  compressor: Compressor;
  log: Logger;
  /** Layers newly compressed into `out` are kept here (the cache the plan looked up). */
  cache?: LayerCache;
  /** Registry references to push the image to, and how. */
  push?: PushRequest;
}

export interface PushRequest {
  refs: string[];
  /** With no refs: push to the image's own name:tag (known once the archive is written). */
  ownRef?: boolean;
  settings: Omit<PushSettings, 'compressor' | 'log'>;
}

/** The references a push request names, the image's own name:tag standing in for none. */
export function pushRefs(push: PushRequest | undefined, image: () => string | undefined): string[] {
  if (!push) return [];
  if (push.refs.length > 0 || !push.ownRef) return push.refs;
  const own = image();
  if (!own) throw new Error("the image's own name:tag is known only once it is written or loaded: give references to push to");
  return [own];
}

export interface LayerReport {
  diffId: string;
  paths: string[];
  size: number;
  member: string;
  /** The compressed blob's digest and size, when the layer was compressed or cached. */
  digest?: string;
  compressedSize?: number;
  /** Taken from the layer cache: neither tarred nor compressed. */
  cached: boolean;
}

export interface BuildResult {
  imageName: string;
  imageTag: string;
  image: string;
  archive: string | null;
  compressor: Compressor;
  configDigest: string;
  layers: LayerReport[];
  loaded: string[];
  pushed: PushedImage[];
  /** Layers whose bytes this run produced (tarred, copied); the rest came from the cache. */
  produced: number;
}

/** Writes each chunk before asking for the next: sources may reuse their buffers (transient chunks). */
async function writeAll(source: AsyncIterable<Uint8Array>, dest: Writable): Promise<void> {
  for await (const chunk of source) {
    await new Promise<void>((resolve, reject) => dest.write(chunk, (err) => (err ? reject(err) : resolve())));
  }
}

/**
 * Writes to `file` atomically: a temporary name in the same directory, renamed when
 * complete; removed on a failure or a signal. A failed write (a full disk) is one error
 * naming the file.
 */
export async function writeFileAtomic(file: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  const forget = removeOnSignal(tmp);
  const stream = fs.createWriteStream(tmp);
  let writeError: Error | undefined;
  // The stream also emits what a failed write reports: kept here, never an unhandled 'error'.
  stream.on('error', (err) => (writeError ??= err));
  try {
    await writeAll(source, stream);
    stream.end();
    await once(stream, 'finish');
    await fsp.rename(tmp, file);
  } catch (err) {
    stream.destroy();
    await fsp.rm(tmp, { force: true });
    const failed = writeError ?? err;
    if (failed === writeError || (err as NodeJS.ErrnoException).syscall === 'write') throw new Error(`writing ${file}: ${(failed as Error).message}`);
    throw err;
  } finally {
    forget();
  }
}

export async function deliver(plan: ImagePlan, opts: DeliverOptions): Promise<BuildResult> {
  const { log } = opts;
  let result: ArchiveResult | undefined;
  let produced = 0;
  const archive = (compressor: Compressor) =>
    dockerArchive({
      layers: plan.layers,
      mtime: plan.mtime,
      makeConfig: plan.makeConfig,
      repoTag: plan.repoTag,
      compressor,
      onLayer: (i, layer) => log.info(`${layer.cached && compressor === layer.cached.compression ? 'Reusing cached' : 'Creating'} layer ${i + 1} from paths: ${JSON.stringify(layer.paths)}`),
      onProduced: () => produced++,
      onDone: (r) => (result = r),
    });

  // Layers compressed into the output file are kept in the cache: copied to the cache's
  // scratch directory while the output is written, or else from the output afterwards.
  const keeping = opts.out && opts.cache && opts.compressor !== 'none' ? opts.cache : undefined;
  const keepers = new Set(plan.layers.filter((l) => l.cacheKey && l.cached?.compression !== opts.compressor).map((l) => l.member));
  const scratch = keepers.size > 0 ? await keeping?.scratchDir?.().catch(() => undefined) : undefined;
  const recorder = new SegmentRecorder(scratch ? { dir: scratch, wants: (member) => keepers.has(member) } : undefined);
  let loaded: string[] = [];
  let r: ArchiveResult | undefined;
  try {
    if (opts.out) {
      const out = opts.out;
      await log.group(`Writing ${out}`, () => writeFileAtomic(out, recorder.track(compressStream(archive(opts.compressor), opts.compressor, { tap: recorder.tap, transient: true }))));
      if (opts.load) {
        // Docker reads gzip but not every engine reads a zstd archive: send it plain.
        const body = decompressStream(fs.createReadStream(out), opts.compressor);
        loaded = await log.group('Loading into Docker', () => dockerLoadLogged(body, log));
      }
    } else if (opts.load) {
      loaded = await log.group('Loading into Docker', () => dockerLoadLogged(bytesOnly(archive('none')), log));
    } else if (opts.stdout) {
      await writeAll(compressStream(archive(opts.compressor), opts.compressor, { transient: true }), opts.stdout);
    }
    r = result as ArchiveResult | undefined;
    if ((opts.out || opts.load || opts.stdout) && !r) throw new Error('the archive was not completed');
    if (r && opts.out && keeping) {
      const kept = await recorder.keep(keeping, path.resolve(opts.out), opts.compressor, r.layers);
      if (kept) log.debug(`kept ${kept} new layer(s) in the layer cache`);
    }
  } finally {
    await recorder.discard();
  }

  // Push: layers already compressed into the output (or cached) go by their known digest.
  let pushed: PushedImage[] = [];
  const refs = pushRefs(opts.push, () => (r ? `${plan.imageName}:${plan.imageTag(r.configDigest.slice('sha256:'.length))}` : undefined));
  if (opts.push && refs.length > 0) {
    const known = new Map((r?.layers ?? []).map((l) => [l.member, l.diffId]));
    const layers: PushLayer[] = plan.layers.map((layer) => {
      const diffId = layer.diffId ?? known.get(layer.member);
      if (layer.cached && layer.cached.compression === opts.compressor) {
        const c = layer.cached;
        return { ...layer, diffId: c.diffId, blob: { digest: c.digest, size: c.compressedSize, compression: c.compression, open: () => c.open() } };
      }
      const seg = opts.out && opts.compressor !== 'none' ? recorder.find(layer.member) : undefined;
      if (seg && diffId && opts.out) {
        const file = path.resolve(opts.out);
        return { ...layer, diffId, blob: { digest: seg.digest, size: seg.size, compression: opts.compressor, open: () => fs.createReadStream(file, { start: seg.offset, end: seg.offset + seg.size - 1 }) } };
      }
      return { ...layer, diffId };
    });
    pushed = await pushToRegistries({ layers, makeConfig: plan.makeConfig }, refs, { ...opts.push.settings, compressor: opts.compressor, log, cache: opts.cache });
  }

  const configDigest = r?.configDigest ?? pushedConfigDigest(pushed);
  const configHex = configDigest.slice('sha256:'.length);
  const imageTag = plan.imageTag(configHex);
  return {
    imageName: plan.imageName,
    imageTag,
    image: `${plan.imageName}:${imageTag}`,
    archive: opts.out ? path.resolve(opts.out) : null,
    compressor: opts.compressor,
    configDigest,
    layers: (r?.layers ?? []).map((l) => {
      const seg = recorder.find(l.member);
      const cached = plan.layers.find((p) => p.member === l.member)?.cached;
      const blob = seg ?? (cached && l.cached ? { digest: cached.digest, size: cached.compressedSize } : undefined);
      return { diffId: l.diffId, paths: l.paths, size: l.size, member: l.member, cached: l.cached, ...(blob ? { digest: blob.digest, compressedSize: blob.size } : {}) };
    }),
    loaded,
    pushed,
    produced,
  };
}

function pushedConfigDigest(pushed: PushedImage[]): string {
  const digest = pushed[0]?.configDigest;
  if (!digest) throw new Error('nothing was written, loaded or pushed');
  return digest;
}
