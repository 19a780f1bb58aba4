// Attestations attached to a pushed image the way BuildKit stores them (docs/attestations/
// attestation-storage.md in moby/buildkit), which `docker buildx imagetools inspect`,
// Docker Scout and others read: an image index holding the image manifest and, for it,
// an attestation manifest (platform unknown/unknown, annotations
// vnd.docker.reference.type = attestation-manifest and vnd.docker.reference.digest = the
// image manifest's digest) whose layers are in-toto statements, each annotated with its
// in-toto.io/predicate-type. The index takes the tags; the image manifest and the
// attestation manifest are put by digest only, so a tag never names an image without
// its attestations.

import type { RegistryClient } from './client.ts';
import { bytesSource, pushBlob, type BlobReport } from './blobs.ts';
import { sha256Digest } from './digest.ts';
import { buildImageManifest, buildIndex, MediaType, type BuiltManifest, type Descriptor } from './manifest.ts';
import { putManifest } from './manifests.ts';
import { formatReference, type Reference } from './reference.ts';

export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
export const REFERENCE_TYPE = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const PREDICATE_TYPE = 'in-toto.io/predicate-type';

export interface Statement {
  predicateType: string;
  /** The statement's JSON bytes, exactly as stored. */
  bytes: Uint8Array;
}

export interface AttestedResult {
  /** The index (what the tags name). */
  reference: string;
  digest: string;
  /** The attestation manifest. */
  attestationDigest: string;
  blobs: BlobReport[];
}

/** An attestation manifest for one image manifest: its blobs (statements, then config), itself, and its index entry. */
export interface AttestationManifest {
  blobs: { digest: string; mediaType: string; bytes: Uint8Array }[];
  manifest: BuiltManifest;
  /** The entry for an index: platform unknown/unknown, naming the image manifest it is about. */
  descriptor: Descriptor;
}

/** The attestation manifest BuildKit writes for `imageDigest`: deterministic, the statements' bytes as given. */
export function attestationManifest(imageDigest: string, statements: readonly Statement[]): AttestationManifest {
  const blobs = statements.map((s) => ({ digest: sha256Digest(s.bytes), mediaType: IN_TOTO_MEDIA_TYPE, bytes: s.bytes }));
  const layers: Descriptor[] = statements.map((s, i) => ({ mediaType: IN_TOTO_MEDIA_TYPE, digest: blobs[i]!.digest, size: s.bytes.length, annotations: { [PREDICATE_TYPE]: s.predicateType } }));
  // BuildKit's attestation config: an image config nothing runs, for registries that want one.
  const config = Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }));
  const configDigest = sha256Digest(config);
  blobs.push({ digest: configDigest, mediaType: MediaType.OciConfig, bytes: config });
  const manifest = buildImageManifest('oci', { digest: configDigest, size: config.length }, layers);
  return {
    blobs,
    manifest,
    descriptor: {
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: { [REFERENCE_DIGEST]: imageDigest, [REFERENCE_TYPE]: 'attestation-manifest' },
    },
  };
}

/** Whether an index entry is an attestation manifest (not an image to run). */
export const isAttestationEntry = (d: Descriptor): boolean => d.annotations?.[REFERENCE_TYPE] === 'attestation-manifest';

/** Pushes an attestation manifest's blobs and the manifest itself (by digest) to `repository`. */
export async function pushAttestationManifest(client: RegistryClient, repository: string, a: AttestationManifest): Promise<BlobReport[]> {
  const blobs: BlobReport[] = [];
  for (const b of a.blobs) blobs.push(await pushBlob(client, repository, bytesSource(b.bytes, b.mediaType, b.digest)));
  await putManifest(client, repository, a.manifest.digest, a.manifest);
  return blobs;
}

/** Pushes `statements` for `image` (already in `target`'s repository by digest) and an index of both, tagged. */
export async function pushAttestedIndex(
  client: RegistryClient,
  target: Reference,
  image: Descriptor & { platform: NonNullable<Descriptor['platform']> },
  statements: readonly Statement[],
  tags: readonly string[],
  /** The index's own annotations (build-push-action's `index:` annotations). */
  annotations?: Record<string, string>,
): Promise<AttestedResult> {
  const repo = target.repository;
  const attestation = attestationManifest(image.digest, statements);
  const blobs = await pushAttestationManifest(client, repo, attestation);
  const index = buildIndex('oci', [image, attestation.descriptor], annotations);
  for (const tag of tags) await putManifest(client, repo, tag, index);
  if (tags.length === 0) await putManifest(client, repo, index.digest, index);
  return {
    reference: formatReference({ registry: target.registry, repository: repo, digest: index.digest }),
    digest: index.digest,
    attestationDigest: attestation.manifest.digest,
    blobs,
  };
}
