// The network half of pullImage and prefetch: find the image a digest or tag names
// (choosing the platform from a manifest list as skopeo does), then stream its config and
// layers into a skopeo-identical docker-archive. Everything received is verified: the
// manifest against the digest it was asked by, the config and every layer blob against
// their digests as they stream, every layer's uncompressed digest against the config.

import {
  fetchBlob,
  getManifest,
  openBlob,
  openRegistry,
  parseManifest,
  RegistryError,
  type Descriptor,
  type Env,
  type Platform,
  type RegistryClient,
  type RetryPolicy,
} from '../../registry/index.ts';
import fsp from 'node:fs/promises';
import type { Logger } from '../../util/log.ts';
import { chooseInstance, describePlatforms } from './platform.ts';
import { writeSkopeoArchive, type ArchiveResult } from './skopeoArchive.ts';

/** Something about the image went wrong (not found, no such platform, not an image we can write). */
export class PullImageError extends Error {
  override name = 'PullImageError';
}

/** A PullImageError the user fixes by changing one attribute (the CLI says which, and exits 2). */
export class PullAttributeError extends PullImageError {
  override name = 'PullAttributeError';
  readonly attribute: string;
  constructor(attribute: string, message: string) {
    super(`attribute '${attribute}': ${message}`);
    this.attribute = attribute;
  }
}

export interface RegistryAccess {
  tlsVerify: boolean;
  /** Extra CA certificates (PEM); default: the file named by NIX_SSL_CERT_FILE or SSL_CERT_FILE, if any. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Credentials; default: the Docker config (credential helpers included) found through `env`. */
  auth?: { username: string; password: string };
  env?: Env;
  retry?: Partial<RetryPolicy>;
  log: Logger;
}

export async function openPullRegistry(registry: string, access: RegistryAccess): Promise<RegistryClient> {
  const env = access.env ?? {};
  let ca = access.ca;
  const caFile = env.NIX_SSL_CERT_FILE || env.SSL_CERT_FILE;
  if (ca === undefined && caFile) {
    try {
      ca = await fsp.readFile(caFile, 'utf8');
    } catch (err) {
      access.log.warn(`cannot read the CA bundle ${caFile}: ${(err as Error).message}`);
    }
  }
  return openRegistry(registry, {
    tlsVerify: access.tlsVerify,
    env,
    log: access.log,
    ...(ca === undefined ? {} : { ca }),
    ...(access.auth ? { auth: access.auth } : {}),
    ...(access.retry ? { retry: access.retry } : {}),
  });
}

export interface ResolvedImage {
  /** `registry/repository` as given. */
  where: string;
  repository: string;
  /** The digest of what the tag or digest names (a manifest list's when it is one). */
  topDigest: string;
  /** The image manifest's digest (the platform's, from a list). */
  manifestDigest: string;
  /** From the list entry, when the image was chosen from one. */
  platform?: Platform;
  config: Descriptor;
  layers: Descriptor[];
}

/**
 * The image `reference` (tag or digest) names in `repository`; from a manifest list, the
 * entry for os/arch. `attribute` names what the user gave, for errors.
 */
export async function resolveImage(
  client: RegistryClient,
  repository: string,
  reference: string,
  os: string,
  arch: string,
  attribute: string,
): Promise<ResolvedImage> {
  const where = `${client.registry}/${repository}`;
  const top = await fetchManifest(client, repository, reference, attribute);
  const parsed = parseOrFail(top.bytes, top.mediaType, `${where}@${top.digest}`);
  if (parsed.kind === 'image') {
    return { where, repository, topDigest: top.digest, manifestDigest: top.digest, config: parsed.config, layers: parsed.layers };
  }
  const entry = chooseInstance(parsed.manifests, os, arch);
  if (!entry) {
    throw new PullAttributeError(
      'arch',
      `${where}@${top.digest} is a manifest list with no image for ${os}/${arch} (it has: ${describePlatforms(parsed.manifests)}); set os and arch`,
    );
  }
  const inner = await fetchManifest(client, repository, entry.digest, attribute);
  const image = parseOrFail(inner.bytes, inner.mediaType, `${where}@${inner.digest}`);
  if (image.kind !== 'image') throw new PullImageError(`${where}@${inner.digest}: a manifest list inside a manifest list is not supported`);
  return {
    where,
    repository,
    topDigest: top.digest,
    manifestDigest: inner.digest,
    ...(entry.platform ? { platform: entry.platform } : {}),
    config: image.config,
    layers: image.layers,
  };
}

async function fetchManifest(client: RegistryClient, repository: string, reference: string, attribute: string) {
  try {
    return await getManifest(client, repository, reference);
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) {
      throw new PullAttributeError(attribute, `${client.registry}/${repository} has no manifest ${reference} (${err.message})`);
    }
    throw err;
  }
}

function parseOrFail(bytes: Buffer, mediaType: string, what: string): ReturnType<typeof parseManifest> {
  try {
    return parseManifest(bytes, mediaType);
  } catch (err) {
    throw new PullImageError(`${what}: ${(err as Error).message}`);
  }
}

export interface PullToFileResult extends ArchiveResult {
  configDigest: string;
}

/** Streams the resolved image into `file` as skopeo's docker-archive tagged `repoName:repoTag`. */
export async function writeImageArchive(
  client: RegistryClient,
  image: ResolvedImage,
  repoName: string,
  repoTag: string,
  file: string,
  log: Logger,
): Promise<PullToFileResult> {
  const what = `${image.where}@${image.manifestDigest}`;
  for (const l of image.layers) {
    if (l.urls?.length) throw new PullImageError(`${what}: layer ${l.digest} is a foreign layer (urls), which is not supported`);
  }
  const config = await fetchBlob(client, image.repository, image.config.digest);
  let diffIds: string[];
  try {
    const doc = JSON.parse(config.toString('utf8')) as { rootfs?: { diff_ids?: unknown } };
    const ids = doc.rootfs?.diff_ids;
    if (!Array.isArray(ids) || ids.some((d) => typeof d !== 'string')) throw new Error('no rootfs.diff_ids');
    diffIds = ids as string[];
  } catch (err) {
    throw new PullImageError(`${what}: the image config ${image.config.digest} is not usable: ${(err as Error).message}`);
  }
  if (diffIds.length !== image.layers.length) {
    throw new PullImageError(`${what}: the manifest has ${image.layers.length} layers but the config names ${diffIds.length} diff_ids`);
  }
  const result = await writeSkopeoArchive(file, {
    config,
    configDigest: image.config.digest,
    repoName,
    repoTag,
    layers: image.layers.map((l, i) => ({
      digest: l.digest,
      size: l.size,
      diffId: diffIds[i]!,
      open: () => openBlob(client, image.repository, l.digest, l.size),
    })),
    onLayer: (i, l, status) => log.debug(`layer ${i + 1}/${image.layers.length} ${l.digest}: ${status}`),
  });
  return { ...result, configDigest: image.config.digest };
}
