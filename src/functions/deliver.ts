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
import { dockerLoad } from '../sinks/dockerLoad.ts';
import type { Compressor } from '../spec/attributes.ts';
import type { Logger } from '../util/log.ts';
import type { ImagePlan } from './layeredImage.ts';

export interface DeliverOptions {
  out?: string;
  stdout?: Writable;
  load: boolean;
  compressor: Compressor;
  log: Logger;
}

export interface LayerReport {
  diffId: string;
  paths: string[];
  size: number;
  member: string;
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
}

async function writeAll(source: AsyncIterable<Uint8Array>, dest: Writable): Promise<void> {
  for await (const chunk of source) {
    if (!dest.write(chunk)) await once(dest, 'drain');
  }
}

/** Writes to `file` atomically: a temporary name in the same directory, renamed when complete. */
export async function writeFileAtomic(file: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  const stream = fs.createWriteStream(tmp);
  try {
    await writeAll(source, stream);
    stream.end();
    await once(stream, 'finish');
    await fsp.rename(tmp, file);
  } catch (err) {
    stream.destroy();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

export async function deliver(plan: ImagePlan, opts: DeliverOptions): Promise<BuildResult> {
  const { log } = opts;
  let result: ArchiveResult | undefined;
  const archive = () =>
    dockerArchive({
      layers: plan.layers,
      mtime: plan.mtime,
      makeConfig: plan.makeConfig,
      repoTag: plan.repoTag,
      onLayer: (i, layer) => log.info(`Creating layer ${i + 1} from paths: ${JSON.stringify(layer.paths)}`),
      onDone: (r) => (result = r),
    });

  let loaded: string[] = [];
  if (opts.out) {
    await log.group(`Writing ${opts.out}`, () => writeFileAtomic(opts.out!, compressStream(archive(), opts.compressor)));
    if (opts.load) {
      // Docker reads gzip but not every engine reads a zstd archive: send it plain.
      const body = decompressStream(fs.createReadStream(opts.out), opts.compressor);
      loaded = await log.group('Loading into Docker', () => dockerLoad(body));
    }
  } else if (opts.load) {
    loaded = await log.group('Loading into Docker', () => dockerLoad(bytesOnly(archive())));
  } else if (opts.stdout) {
    await writeAll(compressStream(archive(), opts.compressor), opts.stdout);
  }
  if (!result) throw new Error('the archive was not completed');
  const r = result as ArchiveResult;
  const configHex = r.configDigest.slice('sha256:'.length);
  const imageTag = plan.imageTag(configHex);
  for (const l of loaded) log.info(`Loaded image: ${l}`);
  return {
    imageName: plan.imageName,
    imageTag,
    image: `${plan.imageName}:${imageTag}`,
    archive: opts.out ? path.resolve(opts.out) : null,
    compressor: opts.compressor,
    configDigest: r.configDigest,
    layers: r.layers.map((l) => ({ diffId: l.diffId, paths: l.paths, size: l.size, member: l.member })),
    loaded,
  };
}
