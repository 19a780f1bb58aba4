// Manifest requests. What we PUT is named by the sha256 of the exact bytes sent, and the
// registry must agree; what we GET is checked against the digest it was asked by (or the
// digest the registry says it served) before anyone reads it.

import { Digester, DigestMismatchError, isDigest } from './digest.ts';
import { RegistryError } from './errors.ts';
import { repositoryScope } from './auth.ts';
import type { RegistryClient } from './client.ts';
import { MANIFEST_ACCEPT, type BuiltManifest, type Descriptor } from './manifest.ts';
import { expectStatus, type HttpRequest } from './transport.ts';

/** Registries may refuse manifests over 4 MiB; read at most this much. */
const MAX_MANIFEST = 8 << 20;

export interface FetchedManifest {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

function contentType(value: string | undefined): string {
  return value?.split(';')[0]?.trim() ?? '';
}

/** PUT a manifest under a tag or its digest; returns its digest once the registry agrees. */
export async function putManifest(client: RegistryClient, repository: string, reference: string, manifest: BuiltManifest): Promise<string> {
  if (isDigest(reference) && reference !== manifest.digest) {
    throw new Error(`cannot put manifest ${manifest.digest} under digest ${reference}`);
  }
  const req: HttpRequest = {
    method: 'PUT',
    url: await client.url(repository, `manifests/${reference}`),
    headers: { 'content-type': manifest.mediaType, 'content-length': String(manifest.bytes.length) },
    body: manifest.bytes,
    scopes: [repositoryScope(repository, 'pull,push')],
  };
  const res = await expectStatus(await client.send(req), req, 201, 200, 202);
  await res.dump();
  const said = res.header('docker-content-digest');
  if (said && said !== manifest.digest) {
    throw new RegistryError({ status: res.status, method: 'PUT', url: req.url, message: `registry stored digest ${said}, the bytes we sent are ${manifest.digest}` });
  }
  return manifest.digest;
}

/** GET a manifest or index by tag or digest, verified. */
export async function getManifest(client: RegistryClient, repository: string, reference: string, accept = MANIFEST_ACCEPT): Promise<FetchedManifest> {
  const req: HttpRequest = {
    method: 'GET',
    url: await client.url(repository, `manifests/${reference}`),
    headers: { accept },
    scopes: [repositoryScope(repository, 'pull')],
    buffer: MAX_MANIFEST,
  };
  const res = await expectStatus(await client.send(req), req, 200);
  const bytes = res.data!;
  const expected = isDigest(reference) ? reference : res.header('docker-content-digest');
  const d = Digester.for(expected && isDigest(expected) ? expected : undefined);
  d.update(bytes);
  const digest = d.digest();
  if (expected && isDigest(expected) && digest !== expected) {
    throw new DigestMismatchError(`manifest ${repository}:${reference}`, expected, digest);
  }
  let mediaType = contentType(res.header('content-type'));
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    if (typeof doc.mediaType === 'string') mediaType = doc.mediaType;
  } catch {
    // parseManifest reports it
  }
  return { mediaType, bytes, digest };
}

/** HEAD a manifest: its descriptor, or undefined when the tag or digest is unknown. */
export async function headManifest(client: RegistryClient, repository: string, reference: string): Promise<Descriptor | undefined> {
  const req: HttpRequest = {
    method: 'HEAD',
    url: await client.url(repository, `manifests/${reference}`),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [repositoryScope(repository, 'pull')],
  };
  const res = await client.send(req);
  if (res.status === 404) return undefined;
  await expectStatus(res, req, 200);
  const digest = res.header('docker-content-digest') ?? (isDigest(reference) ? reference : undefined);
  const size = Number(res.header('content-length'));
  if (!digest || !Number.isFinite(size)) {
    // Some registries leave these out of HEAD: ask with GET.
    const m = await getManifest(client, repository, reference);
    return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
  }
  return { mediaType: contentType(res.header('content-type')), digest, size };
}
