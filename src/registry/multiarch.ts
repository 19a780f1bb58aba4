// Multi-arch: images pushed separately (one per architecture, typically by a matrix of
// jobs) become one index under a tag. Each source's platform is read from its config;
// a source that is itself an index contributes its entries. Sources in another
// repository of the same registry are first copied into the target repository (blobs
// mounted, or streamed through when mounting is refused; manifests put by digest), as
// an index may only name manifests of its own repository.

import { fetchBlob, openBlob, pushBlob } from './blobs.ts';
import type { RegistryClient } from './client.ts';
import { getManifest, putManifest, type FetchedManifest } from './manifests.ts';
import { buildIndex, MediaType, parseManifest, platformString, type Descriptor, type ManifestFormat, type Platform } from './manifest.ts';
import { formatReference, manifestReference, type Reference } from './reference.ts';
import { isAttestationEntry } from './attest.ts';

export interface IndexOptions {
  /** `auto` (default): a Docker manifest list when every image is schema 2, else an OCI index. */
  format?: 'auto' | ManifestFormat;
  tags?: readonly string[];
  /** OCI only. */
  annotations?: Record<string, string>;
}

export interface IndexResult {
  reference: string;
  digest: string;
  mediaType: string;
  size: number;
  tags: string[];
  manifests: Descriptor[];
}

export async function pushIndex(client: RegistryClient, target: Reference, images: readonly Reference[], opts: IndexOptions = {}): Promise<IndexResult> {
  if (images.length === 0) throw new Error('an index needs at least one image');
  const entries: Descriptor[] = [];
  for (const image of images) {
    if (image.registry !== client.registry) throw new Error(`${formatReference(image)} is not on ${client.registry} (where the index goes)`);
    const fetched = await getManifest(client, image.repository, manifestReference(image));
    const parsed = parseManifest(fetched.bytes, fetched.mediaType);
    if (image.repository !== target.repository) await copyManifest(client, image.repository, target.repository, fetched);
    if (parsed.kind === 'index') {
      entries.push(...parsed.manifests);
      continue;
    }
    const config = JSON.parse((await fetchBlob(client, image.repository, parsed.config.digest)).toString('utf8')) as Partial<Platform> & {
      variant?: string;
    };
    if (!config.architecture || !config.os) throw new Error(`${formatReference(image)}: its config names no architecture/os`);
    const platform: Platform = {
      architecture: config.architecture,
      os: config.os,
      ...(config.variant ? { variant: config.variant } : {}),
      ...(config['os.version'] ? { 'os.version': config['os.version'] } : {}),
      ...(config['os.features']?.length ? { 'os.features': config['os.features'] } : {}),
    };
    entries.push({ mediaType: parsed.mediaType, digest: fetched.digest, size: fetched.bytes.length, platform });
  }

  const seen = new Map<string, string>();
  for (const e of entries) {
    if (!e.platform || isAttestationEntry(e)) continue;
    const key = platformString(e.platform);
    const other = seen.get(key);
    if (other && other !== e.digest) throw new Error(`two images for platform ${key}: ${other} and ${e.digest}`);
    seen.set(key, e.digest);
  }
  // Attestation manifests (BuildKit's, one per image) after the images, as BuildKit and
  // buildPlatforms order them: merged per-platform pushes give the one-step index.
  const deduped = entries.filter((e, i) => entries.findIndex((o) => o.digest === e.digest) === i);
  const unique = [...deduped.filter((e) => !isAttestationEntry(e)), ...deduped.filter(isAttestationEntry)];

  const format =
    opts.format && opts.format !== 'auto'
      ? opts.format
      : unique.every((e) => e.mediaType === MediaType.DockerManifest) && !opts.annotations
        ? 'docker'
        : 'oci';
  const index = buildIndex(format, unique, opts.annotations);
  const tags = [...new Set([...(target.tag ? [target.tag] : target.digest ? [] : ['latest']), ...(opts.tags ?? [])])];
  if (target.digest) await putManifest(client, target.repository, target.digest, index);
  for (const tag of tags) await putManifest(client, target.repository, tag, index);
  return {
    reference: formatReference({ registry: target.registry, repository: target.repository, digest: index.digest }),
    digest: index.digest,
    mediaType: index.mediaType,
    size: index.size,
    tags,
    manifests: unique,
  };
}

/** Brings a manifest (and, for an index, its images) from one repository into another, by digest. */
async function copyManifest(client: RegistryClient, from: string, to: string, manifest: FetchedManifest): Promise<void> {
  const parsed = parseManifest(manifest.bytes, manifest.mediaType);
  if (parsed.kind === 'index') {
    for (const child of parsed.manifests) await copyManifest(client, from, to, await getManifest(client, from, child.digest));
  } else {
    for (const blob of [parsed.config, ...parsed.layers]) {
      if (blob.urls?.length) continue; // foreign layers live elsewhere
      await pushBlob(client, to, {
        digest: blob.digest,
        size: blob.size,
        mediaType: blob.mediaType,
        mountFrom: [from],
        open: () => streamOf(() => openBlob(client, from, blob.digest, blob.size)),
      });
    }
  }
  await putManifest(client, to, manifest.digest, { mediaType: manifest.mediaType, bytes: manifest.bytes, digest: manifest.digest, size: manifest.bytes.length });
}

async function* streamOf(open: () => Promise<AsyncIterable<Uint8Array>>): AsyncGenerator<Uint8Array> {
  yield* await open();
}
