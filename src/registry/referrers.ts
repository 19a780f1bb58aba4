// Attestations as OCI 1.1 referrers (image-spec manifest.md `subject`, distribution-spec
// "Listing Referrers"): each in-toto statement is an artifact manifest whose `subject`
// is the image manifest; the image's tags stay on the image. A registry with the
// referrers API indexes them itself; for one without (a GET of /referrers/<digest>
// answers 404), the referrers tag schema: the index under the tag `sha256-<hex>` gets
// a descriptor for each, as oras and cosign read it.

import type { RegistryClient } from './client.ts';
import { repositoryScope } from './auth.ts';
import { bytesSource, pushBlob } from './blobs.ts';
import { sha256Digest } from './digest.ts';
import { getManifest, putManifest } from './manifests.ts';
import { MediaType, parseManifest, type BuiltManifest, type Descriptor } from './manifest.ts';
import { IN_TOTO_MEDIA_TYPE, PREDICATE_TYPE, type Statement } from './attest.ts';
import { RegistryError } from './errors.ts';

/** The OCI empty descriptor's content (`{}`), the config of an artifact manifest. */
const EMPTY = Buffer.from('{}');
const EMPTY_TYPE = 'application/vnd.oci.empty.v1+json';

export interface ReferrersResult {
  /** The artifact manifests' digests, one per statement. */
  digests: string[];
  /** Whether the referrers tag schema was used (the registry has no referrers API). */
  fallbackTag?: string;
}

function built(value: unknown, mediaType: string): BuiltManifest {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return { mediaType, bytes, digest: sha256Digest(bytes), size: bytes.length };
}

export async function pushReferrers(client: RegistryClient, repository: string, subject: Descriptor, statements: readonly Statement[]): Promise<ReferrersResult> {
  const empty = await pushBlob(client, repository, bytesSource(EMPTY, EMPTY_TYPE, sha256Digest(EMPTY)));
  const entries: Descriptor[] = [];
  for (const s of statements) {
    const layer = await pushBlob(client, repository, bytesSource(s.bytes, IN_TOTO_MEDIA_TYPE, sha256Digest(s.bytes)));
    const annotations = { [PREDICATE_TYPE]: s.predicateType };
    const manifest = built(
      {
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: IN_TOTO_MEDIA_TYPE,
        config: { mediaType: EMPTY_TYPE, digest: empty.digest, size: empty.size },
        layers: [{ mediaType: IN_TOTO_MEDIA_TYPE, digest: layer.digest, size: layer.size, annotations }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations,
      },
      MediaType.OciManifest,
    );
    await putManifest(client, repository, manifest.digest, manifest);
    entries.push({ mediaType: MediaType.OciManifest, digest: manifest.digest, size: manifest.size, annotations });
  }
  const digests = entries.map((e) => e.digest);
  if (await hasReferrersApi(client, repository, subject.digest)) return { digests };

  const tag = subject.digest.replace(':', '-');
  let existing: Descriptor[] = [];
  try {
    const fetched = await getManifest(client, repository, tag, MediaType.OciIndex);
    const parsed = parseManifest(fetched.bytes, fetched.mediaType);
    if (parsed.kind === 'index') existing = parsed.manifests;
  } catch (err) {
    if (!(err instanceof RegistryError && err.status === 404)) throw err;
  }
  const have = new Set(existing.map((d) => d.digest));
  const manifests = [...existing, ...entries.filter((e) => !have.has(e.digest)).map((e) => ({ ...e, artifactType: IN_TOTO_MEDIA_TYPE }))];
  await putManifest(client, repository, tag, built({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }, MediaType.OciIndex));
  return { digests, fallbackTag: tag };
}

/** The referrers API answers 200 with an index; a registry without it answers 404. */
async function hasReferrersApi(client: RegistryClient, repository: string, digest: string): Promise<boolean> {
  const res = await client.send({
    method: 'GET',
    url: await client.url(repository, `referrers/${digest}`),
    headers: { accept: MediaType.OciIndex },
    scopes: [repositoryScope(repository, 'pull')],
    buffer: 4 << 20,
  });
  await res.dump();
  const type = res.header('content-type')?.split(';')[0]?.trim();
  return res.status === 200 && type === MediaType.OciIndex;
}
