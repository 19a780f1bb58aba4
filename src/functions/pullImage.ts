// dockerTools.pullImage: an image from a registry, by digest, as the docker-archive that
// `skopeo copy docker://imageName@imageDigest docker-archive://$out:finalImageName:finalImageTag`
// writes (with `--override-os os --override-arch arch --src-tls-verify=tlsVerify`), checked
// against `sha256` like Nix checks a fixed-output derivation. Byte-identical to skopeo's
// archive, so hashes in existing pullImage declarations keep working; see
// pullImage/skopeoArchive.ts for the format. The output appears only when its hash matches.

import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { SpecError } from '../spec/errors.ts';
import { hostArchitecture } from '../image/config.ts';
import { isDigest, parseReference, InvalidReferenceError, type Reference, type RegistryClient } from '../registry/index.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { formatNixHash, InvalidHashError, parseNixHash, showNixHash, type NixHash } from './pullImage/nixHash.ts';
import { openPullRegistry, PullAttributeError, resolveImage, writeImageArchive, type RegistryAccess } from './pullImage/pull.ts';
import type { WrittenLayer } from './pullImage/skopeoArchive.ts';

export { PullImageError, PullAttributeError } from './pullImage/pull.ts';

export { PULL_IMAGE_ATTRIBUTES } from '../spec/attributes.ts';

/** The attributes as the spec parser gives them (null = the documented default). */
export interface PullImageSpec {
  imageName: string;
  imageDigest: string;
  sha256: string;
  finalImageName?: string | null;
  finalImageTag?: string | null;
  os?: string | null;
  arch?: string | null;
  tlsVerify?: boolean | null;
  name?: string | null;
}

/** Defaults applied and everything checked once. */
export interface ResolvedPullImage {
  source: Reference;
  imageDigest: string;
  hash: NixHash;
  finalImageName: string;
  finalImageTag: string;
  /** The name in manifest.json and repositories, normalised as skopeo does (`docker.io/library/nginx`). */
  repoName: string;
  os: string;
  arch: string;
  tlsVerify: boolean;
  name: string;
}

export interface PullContext {
  log?: Logger;
  /** Where the archive goes; default `<name>` in the current directory. */
  out?: string;
  /** For credentials (Docker config, credential helpers) and NIX_SSL_CERT_FILE / SSL_CERT_FILE. */
  env?: Record<string, string | undefined>;
  /** Extra CA certificates (PEM) for the registry. */
  ca?: string | Buffer | Array<string | Buffer>;
  auth?: { username: string; password: string };
  retry?: RegistryAccess['retry'];
  /** Host architecture for the `arch` default (tests); default: this machine's. */
  hostArch?: string;
}

export interface PullImageResult {
  archive: string;
  /** finalImageName / finalImageTag: what the archive is tagged. */
  imageName: string;
  imageTag: string;
  /** The imageDigest pulled. */
  digest: string;
  /** The archive's sha256, Nix base-32 (as nix-prefetch-docker prints it). */
  sha256: string;
  /** The same as SRI (`sha256-...`). */
  hash: string;
  /** The image manifest written (the platform's, when imageDigest names a manifest list). */
  manifestDigest: string;
  configDigest: string;
  layers: { digest: string; diffId: string; size: number }[];
  size: number;
}

const TAG_RE = /^[\w][\w.-]{0,127}$/;
const STORE_NAME_RE = /^[A-Za-z0-9+\-._?=]+$/;

/** nixpkgs' default `name`: fixName "docker-image-${finalImageName}-${finalImageTag}.tar". */
export function defaultPullImageName(finalImageName: string, finalImageTag: string): string {
  return `docker-image-${finalImageName}-${finalImageTag}.tar`.replace(/[/:]/g, '-');
}

/**
 * An image name as skopeo (containers/image's copy of docker's reference package) reads
 * it. Unlike current docker, a first component with upper-case letters is a registry
 * host only if it also has '.' or ':' (`Foo/bar` is refused as upper-case, not read as
 * host `Foo`).
 */
export function parseImageName(attribute: string, name: string): Reference {
  const first = name.split('/')[0]!;
  if (name.includes('/') && !/[.:]/.test(first) && first !== 'localhost' && first !== first.toLowerCase()) {
    throw new SpecError(attribute, `invalid reference "${name}": repository name must be lowercase`);
  }
  try {
    return parseReference(name);
  } catch (err) {
    throw new SpecError(attribute, err instanceof InvalidReferenceError ? err.message : String(err));
  }
}

/** `finalImageName:finalImageTag` as skopeo's docker-archive destination reads it; the normalised name. */
export function archiveRepoName(finalImageName: string, finalImageTag: string): string {
  if (!TAG_RE.test(finalImageTag)) throw new SpecError('finalImageTag', `'${finalImageTag}' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  const ref = parseImageName('finalImageName', finalImageName);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new SpecError('finalImageName', `'${finalImageName}' carries a tag or digest; give the tag as finalImageTag`);
  }
  return `${ref.registry}/${ref.repository}`;
}

export function resolvePullImageSpec(spec: PullImageSpec, hostArch: string = hostArchitecture()): ResolvedPullImage {
  const str = (key: string, v: unknown): string => {
    if (typeof v !== 'string' || v === '') throw new SpecError(key, 'is required (a non-empty string)');
    return v;
  };
  const imageName = str('imageName', spec.imageName);
  const source = parseImageName('imageName', imageName);
  if (source.tag !== undefined || source.digest !== undefined) {
    throw new SpecError('imageName', `'${imageName}' carries a tag or digest; pullImage takes the repository only, and the digest as imageDigest`);
  }
  const imageDigest = str('imageDigest', spec.imageDigest);
  if (!isDigest(imageDigest)) throw new SpecError('imageDigest', `'${imageDigest}' is not a digest (sha256: and 64 lower-case hex digits)`);
  if (typeof spec.sha256 !== 'string') throw new SpecError('sha256', 'is required');
  let hash: NixHash;
  try {
    hash = parseNixHash(spec.sha256);
  } catch (err) {
    throw new SpecError('sha256', err instanceof InvalidHashError ? err.message : String(err));
  }
  const finalImageName = spec.finalImageName ?? imageName;
  const finalImageTag = spec.finalImageTag ?? 'latest';
  const repoName = archiveRepoName(finalImageName, finalImageTag);
  const name = spec.name ?? defaultPullImageName(finalImageName, finalImageTag);
  if (!STORE_NAME_RE.test(name) || name.startsWith('.') || name.length > 211) {
    throw new SpecError('name', `'${name}' is not a valid store path name (letters, digits and + - . _ ? =, not starting with '.')`);
  }
  return {
    source,
    imageDigest,
    hash,
    finalImageName,
    finalImageTag,
    repoName,
    os: spec.os ?? 'linux',
    arch: spec.arch ?? hostArch,
    tlsVerify: spec.tlsVerify ?? true,
    name,
  };
}

/** The archive's hash did not match `sha256`: both shown in the form the user wrote. */
export class HashMismatchError extends PullAttributeError {
  override name = 'HashMismatchError';
  readonly specified: string;
  readonly got: string;
  constructor(what: string, specified: string, got: string) {
    super('sha256', `hash mismatch for ${what}: specified ${specified}, got ${got} (no output written)`);
    this.specified = specified;
    this.got = got;
  }
}

export async function pullImage(spec: PullImageSpec, ctx: PullContext = {}): Promise<PullImageResult> {
  const log = ctx.log ?? silentLogger;
  const r = resolvePullImageSpec(spec, ctx.hostArch);
  const out = path.resolve(ctx.out ?? r.name);
  const what = `${r.source.registry}/${r.source.repository}@${r.imageDigest}`;
  const client = await openPullRegistry(r.source.registry, {
    tlsVerify: r.tlsVerify,
    log,
    ...(ctx.env ? { env: ctx.env } : {}),
    ...(ctx.ca !== undefined ? { ca: ctx.ca } : {}),
    ...(ctx.auth ? { auth: ctx.auth } : {}),
    ...(ctx.retry ? { retry: ctx.retry } : {}),
  });
  try {
    return await log.group(`pullImage ${what}`, async () => {
      const image = await resolveImage(client, r.source.repository, r.imageDigest, r.os, r.arch, 'imageDigest');
      if (image.manifestDigest !== image.topDigest) log.info(`${what}: ${r.os}/${r.arch} is ${image.manifestDigest}`);
      const written = await writeAtomically(out, async (tmp) => {
        const result = await writeImageArchive(client, image, r.repoName, r.finalImageTag, tmp, log);
        if (r.hash.bytes.length === 0 || !result.sha256.equals(r.hash.bytes)) {
          const got = formatNixHash(result.sha256, r.hash.bytes.length ? r.hash.format : 'sri', r.hash.prefixed);
          throw new HashMismatchError(what, showNixHash(r.hash), got);
        }
        return result;
      });
      log.info(`Wrote ${r.repoName}:${r.finalImageTag} to ${out}`);
      return {
        archive: out,
        imageName: r.finalImageName,
        imageTag: r.finalImageTag,
        digest: r.imageDigest,
        sha256: formatNixHash(written.sha256, 'base32'),
        hash: formatNixHash(written.sha256, 'sri'),
        manifestDigest: image.manifestDigest,
        configDigest: written.configDigest,
        layers: written.layers.map((l: WrittenLayer) => ({ digest: l.digest, diffId: l.diffId, size: l.size })),
        size: written.size,
      };
    });
  } finally {
    await closeQuietly(client);
  }
}

/** Runs `write(tmp)` on a temporary file beside `out`, renamed to `out` on success and removed otherwise. */
export async function writeAtomically<T>(out: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    const result = await write(tmp);
    await fsp.rename(tmp, out);
    return result;
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

async function closeQuietly(client: RegistryClient): Promise<void> {
  try {
    await client.close();
  } catch {
    // nothing left to do
  }
}
