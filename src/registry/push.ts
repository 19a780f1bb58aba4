// Pushing one image: every distinct blob (config and layers) in parallel with a bound,
// each digest once, then the manifest last (a registry may refuse a manifest whose blobs
// it lacks, and a tag must never point at an incomplete image), then the extra tags.

import { mapLimit } from '../util/concurrency.ts';
import { sha256Digest } from './digest.ts';
import type { RegistryClient } from './client.ts';
import { pushBlob, bytesSource, type BlobReport, type BlobSource, type UploadOptions } from './blobs.ts';
import { buildImageManifest, chooseFormat, configMediaType, retypeLayer, type ManifestFormat } from './manifest.ts';
import { putManifest } from './manifests.ts';
import { formatReference, type Reference } from './reference.ts';

export interface ImageToPush {
  /**
   * The image config, exactly as it is to be stored; or a function giving it once every
   * layer is pushed (an engine that learns the diff_ids while it streams the layers).
   */
  config: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
  /** In order, bottom layer first; `mediaType` of either family gives the compression. */
  layers: readonly BlobSource[];
  /** OCI manifests only. */
  annotations?: Record<string, string>;
}

export interface PushOptions extends UploadOptions {
  /** `auto` (default): Docker schema 2, OCI when a layer is zstd. */
  format?: 'auto' | ManifestFormat;
  /** More tags for the same manifest, besides the reference's tag. */
  tags?: readonly string[];
  /** Blobs in flight at once (default 4). */
  jobs?: number;
  /** Repositories of the same registry to try mounting every missing blob from. */
  mountFrom?: readonly string[];
  /** Put the manifest by its digest only: the caller tags an index holding it (attestations). */
  untagged?: boolean;
  /** Called as each blob is done (progress). */
  onBlob?: (report: BlobReport) => void;
}

export interface PushResult {
  /** `registry/repository@digest` */
  reference: string;
  digest: string;
  mediaType: string;
  size: number;
  /** The tags now pointing at it. */
  tags: string[];
  config: BlobReport;
  /** One per layer, in order (a digest shared by several layers is reported for each). */
  layers: BlobReport[];
  /** Distinct blobs (config included) by outcome. */
  uploaded: number;
  skipped: number;
  mounted: number;
}

export const DEFAULT_JOBS = 4;

export async function pushImage(client: RegistryClient, target: Reference, image: ImageToPush, opts: PushOptions = {}): Promise<PushResult> {
  if (target.registry !== client.registry) throw new Error(`${formatReference(target)} is not on ${client.registry}`);
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be an integer ≥ 1, got ${jobs}`);
  if (opts.chunkSize !== undefined && !(Number.isInteger(opts.chunkSize) && opts.chunkSize > 0)) {
    throw new Error(`chunkSize must be a positive integer, got ${opts.chunkSize}`);
  }
  const format = chooseFormat(image.layers.map((l) => l.mediaType), opts.format);
  const repo = target.repository;
  const push = async (source: BlobSource): Promise<BlobReport> => {
    const report = await pushBlob(client, repo, source, opts);
    client.log.debug(`${repo}: ${report.digest} ${report.status}${report.from ? ` from ${report.from}` : ''}`);
    opts.onBlob?.(report);
    return report;
  };
  const withMounts = (s: BlobSource): BlobSource => (opts.mountFrom?.length ? { ...s, mountFrom: [...(s.mountFrom ?? []), ...opts.mountFrom] } : s);

  const configNow = typeof image.config === 'function' ? undefined : image.config;
  if (configNow) checkConfigMatchesLayers(configNow, image.layers.length);
  const sources: BlobSource[] = [...(configNow ? [bytesSource(configNow, configMediaType(format), sha256Digest(configNow))] : []), ...image.layers];
  // Each digest once: layers that share a digest share one push.
  const byDigest = new Map<string, number>();
  const unique: BlobSource[] = [];
  const slot = sources.map((s) => {
    const known = s.digest === undefined ? undefined : byDigest.get(s.digest);
    if (known !== undefined) return known;
    unique.push(withMounts(s));
    if (s.digest !== undefined) byDigest.set(s.digest, unique.length - 1);
    return unique.length - 1;
  });

  const reports = await mapLimit(unique, jobs, push);
  const all = slot.map((i) => reports[i]!);
  let config: BlobReport;
  let layers: BlobReport[];
  if (configNow) [config, ...layers] = all as [BlobReport, ...BlobReport[]];
  else {
    const late = await (image.config as () => Uint8Array | Promise<Uint8Array>)();
    checkConfigMatchesLayers(late, image.layers.length);
    config = await push(withMounts(bytesSource(late, configMediaType(format), sha256Digest(late))));
    reports.push(config);
    layers = all;
  }

  const manifest = buildImageManifest(
    format,
    { digest: config.digest, size: config.size },
    layers.map((l) => retypeLayer({ mediaType: l.mediaType, digest: l.digest, size: l.size }, format)),
    image.annotations,
  );
  const tags = [...new Set([...(target.tag ? [target.tag] : target.digest ? [] : ['latest']), ...(opts.tags ?? [])])];
  if (opts.untagged) await putManifest(client, repo, manifest.digest, manifest);
  else {
    await putManifest(client, repo, target.digest ?? tags[0]!, manifest);
    for (const tag of tags.slice(target.digest ? 0 : 1)) await putManifest(client, repo, tag, manifest);
  }

  const count = (status: BlobReport['status']): number => reports.filter((r) => r.status === status).length;
  return {
    reference: formatReference({ registry: target.registry, repository: repo, digest: manifest.digest }),
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.size,
    tags,
    config,
    layers: layers.map((l) => ({ ...l, mediaType: retypeLayer(l, format).mediaType })),
    uploaded: count('uploaded'),
    skipped: count('skipped'),
    mounted: count('mounted'),
  };
}

/** A config whose rootfs.diff_ids do not match the layers makes an image no engine loads. */
function checkConfigMatchesLayers(configBytes: Uint8Array, layerCount: number): void {
  let config: { rootfs?: { diff_ids?: unknown } };
  try {
    config = JSON.parse(Buffer.from(configBytes).toString('utf8'));
  } catch {
    throw new Error('image config is not JSON');
  }
  const ids = config.rootfs?.diff_ids;
  if (Array.isArray(ids) && ids.length !== layerCount) {
    throw new Error(`image config lists ${ids.length} diff_ids but ${layerCount} layers were given`);
  }
}
