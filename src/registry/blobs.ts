// Blob push and pull as small named steps over a RegistryClient:
//   blobExists (HEAD) → mountBlob (POST ?mount=&from=: 201 mounted, 202 a session)
//   → startUpload (POST → 202 Location) → uploadMonolithic (PUT Location&digest= with the
//   streamed body) or uploadChunked (PATCH chunks ≤ chunkSize with Content-Range, then
//   PUT Location&digest=) → pushBlob ties them together.
// An upload session is retried as a whole (a fresh POST, the source opened again): a
// half-sent PUT leaves the session at an offset no retry of that PUT can match. Its
// requests therefore go out with `retry: false`.

import { Digester, DigestMismatchError, isDigest, verified } from './digest.ts';
import { RegistryError } from './errors.ts';
import { repositoryScope } from './auth.ts';
import type { RegistryClient } from './client.ts';
import { retrying } from './retry.ts';
import { expectStatus, type HttpRequest } from './transport.ts';

/** Where a blob's bytes come from: an engine stream, an archive member, bytes in memory. */
export interface BlobSource {
  /** When known up front: enables the existence check and mounting, and a one-request upload. */
  digest?: string;
  size?: number;
  mediaType: string;
  /** Opens the content afresh; called again if an upload has to start over. */
  open(): AsyncIterable<Uint8Array>;
  /** Repositories of the same registry that may hold this blob already (mount sources). */
  mountFrom?: readonly string[];
}

export type BlobStatus = 'uploaded' | 'skipped' | 'mounted';

export interface BlobReport {
  digest: string;
  size: number;
  mediaType: string;
  status: BlobStatus;
  /** The repository it was mounted from. */
  from?: string;
}

export interface UploadOptions {
  /** `monolithic` (default) falls back to chunks when the size or digest is unknown. */
  mode?: 'monolithic' | 'chunked';
  /** Largest PATCH body; default 4 MiB (GHCR rejects larger chunks). */
  chunkSize?: number;
}

export const DEFAULT_CHUNK_SIZE = 4 << 20;
const MAX_MOUNT_SOURCES = 3;

export function bytesSource(bytes: Uint8Array, mediaType: string, digest?: string): BlobSource {
  return {
    mediaType,
    size: bytes.length,
    ...(digest === undefined ? {} : { digest }),
    async *open() {
      yield bytes;
    },
  };
}

function pushScopes(repository: string, ...pullFrom: string[]): string[] {
  return [repositoryScope(repository, 'pull,push'), ...pullFrom.map((r) => repositoryScope(r, 'pull'))];
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

function locationOf(res: { header(n: string): string | undefined }, req: HttpRequest): string {
  const location = res.header('location');
  if (!location) throw new RegistryError({ status: 0, method: req.method, url: req.url, message: 'upload response has no Location' });
  return new URL(location, req.url).href;
}

/** HEAD the blob: its size when the repository has it, undefined when not. */
export async function blobExists(
  client: RegistryClient,
  repository: string,
  digest: string,
  opts: { scopes?: string[]; retry?: boolean } = {},
): Promise<number | undefined> {
  const req: HttpRequest = {
    method: 'HEAD',
    url: await client.url(repository, `blobs/${digest}`),
    scopes: opts.scopes ?? [repositoryScope(repository, 'pull')],
    ...(opts.retry === false ? { retry: false } : {}),
  };
  const res = await client.send(req);
  if (res.status === 404) return undefined;
  await expectStatus(res, req, 200);
  const length = Number(res.header('content-length'));
  return Number.isFinite(length) ? length : -1;
}

/**
 * Asks the registry to link `digest` from `from` into `repository`. Not mounted (no
 * such blob there, or no access to `from`) returns the upload session the registry
 * opened instead, if any.
 */
export async function mountBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  from: string,
): Promise<{ mounted: true } | { mounted: false; location?: string }> {
  const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const req: HttpRequest = {
    method: 'POST',
    url: await client.url(repository, `blobs/uploads/${query}`),
    headers: { 'content-length': '0' },
    scopes: pushScopes(repository, from),
  };
  let res;
  try {
    res = await client.send(req);
  } catch (err) {
    if (err instanceof RegistryError && (err.status === 401 || err.status === 403)) return { mounted: false };
    throw err;
  }
  if (res.status === 201) return { mounted: true };
  if (res.status === 202) return { mounted: false, location: locationOf(res, req) };
  await expectStatus(res, req, 201, 202);
  throw new Error('unreachable');
}

/** POST an upload session; its absolute Location. */
export async function startUpload(client: RegistryClient, repository: string): Promise<string> {
  const req: HttpRequest = {
    method: 'POST',
    url: await client.url(repository, 'blobs/uploads/'),
    headers: { 'content-length': '0' },
    scopes: pushScopes(repository),
    retry: false,
  };
  const res = await expectStatus(await client.send(req), req, 202);
  await res.dump();
  return locationOf(res, req);
}

/** Notes the source's own error, so a broken source is reported as itself, not as a network failure. */
async function* guarded(source: AsyncIterable<Uint8Array>, fault: { error?: unknown }): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (err) {
    fault.error = err;
    throw err;
  }
}

/** One PUT carrying the whole blob, streamed and checked against `digest` and `size` on the way. */
export async function uploadMonolithic(
  client: RegistryClient,
  repository: string,
  location: string,
  source: BlobSource & { digest: string; size: number },
): Promise<void> {
  const fault: { error?: unknown } = {};
  const req: HttpRequest = {
    method: 'PUT',
    url: withDigest(location, source.digest),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(source.size) },
    body: () => guarded(verified(source.open(), `blob ${source.digest}`, source.digest, source.size), fault),
    scopes: pushScopes(repository),
    retry: false,
  };
  let res;
  try {
    res = await client.send(req);
  } catch (err) {
    throw fault.error ?? err;
  }
  if (fault.error) throw fault.error;
  await expectStatus(res, req, 201);
  await res.dump();
  checkCommitted(res.header('docker-content-digest'), source.digest, req);
}

async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Uint8Array[] = [];
  let filled = 0;
  for await (let chunk of source) {
    while (chunk.length > 0) {
      const take = Math.min(size - filled, chunk.length);
      parts.push(chunk.subarray(0, take));
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === size) {
        yield Buffer.concat(parts, filled);
        parts = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield Buffer.concat(parts, filled);
}

/**
 * PATCH the content in chunks of at most `chunkSize` bytes (each with Content-Range,
 * each answered with the next Location), hashing as it goes; then PUT Location&digest=.
 * Works without knowing the digest or size up front; returns them.
 */
export async function uploadChunked(
  client: RegistryClient,
  repository: string,
  location: string,
  source: BlobSource,
  chunkSize = DEFAULT_CHUNK_SIZE,
): Promise<{ digest: string; size: number }> {
  if (!(chunkSize > 0)) throw new Error(`chunk size must be positive, got ${chunkSize}`);
  const hash = Digester.for(source.digest);
  let url = location;
  for await (const chunk of rechunk(source.open(), chunkSize)) {
    const start = hash.size;
    hash.update(chunk);
    const req: HttpRequest = {
      method: 'PATCH',
      url,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(chunk.length),
        'content-range': `${start}-${start + chunk.length - 1}`,
      },
      body: chunk,
      scopes: pushScopes(repository),
      retry: false,
    };
    const res = await expectStatus(await client.send(req), req, 202, 204);
    await res.dump();
    const range = res.header('range')?.match(/(\d+)\s*-\s*(\d+)/);
    if (range && Number(range[2]) !== hash.size - 1) {
      throw new RegistryError({ status: res.status, method: 'PATCH', url: req.url, message: `registry holds bytes ${range[1]}-${range[2]}, expected 0-${hash.size - 1}` });
    }
    url = locationOf(res, req);
  }
  const digest = hash.digest();
  if (source.digest && digest !== source.digest) throw new DigestMismatchError(`blob ${source.digest}`, source.digest, digest);
  if (source.size !== undefined && hash.size !== source.size) throw new Error(`blob ${digest}: ${hash.size} bytes, expected ${source.size}`);
  const req: HttpRequest = {
    method: 'PUT',
    url: withDigest(url, digest),
    headers: { 'content-type': 'application/octet-stream', 'content-length': '0' },
    scopes: pushScopes(repository),
    retry: false,
  };
  const res = await expectStatus(await client.send(req), req, 201);
  await res.dump();
  checkCommitted(res.header('docker-content-digest'), digest, req);
  return { digest, size: hash.size };
}

function checkCommitted(header: string | undefined, digest: string, req: HttpRequest): void {
  if (header && isDigest(header) && header !== digest) {
    throw new RegistryError({ status: 201, method: req.method, url: req.url, message: `registry committed ${header}, we sent ${digest}` });
  }
}

/** Statuses that say "not like this" to a monolithic PUT: use chunks instead. */
const CHUNK_FALLBACK = new Set([413, 416, 501]);

/**
 * Pushes one blob into `repository`: skipped when it is there, mounted when a known
 * repository of this registry has it, uploaded otherwise (retried as a whole session).
 */
export async function pushBlob(client: RegistryClient, repository: string, source: BlobSource, opts: UploadOptions = {}): Promise<BlobReport> {
  const report = (digest: string, size: number, status: BlobStatus, from?: string): BlobReport => {
    client.rememberBlob(digest, repository);
    return { digest, size, mediaType: source.mediaType, status, ...(from ? { from } : {}) };
  };
  let session: string | undefined;
  if (source.digest) {
    const digest = source.digest;
    const existing = await blobExists(client, repository, digest, { scopes: pushScopes(repository) });
    if (existing !== undefined) return report(digest, source.size ?? existing, 'skipped');
    const known = [...(source.mountFrom ?? []), ...(client.knownBlobs.get(digest) ?? [])];
    for (const from of [...new Set(known)].filter((r) => r !== repository).slice(0, MAX_MOUNT_SOURCES)) {
      const mount = await mountBlob(client, repository, digest, from);
      if (mount.mounted) {
        client.log.debug(`${digest}: mounted from ${from}`);
        return report(digest, source.size ?? (await blobExists(client, repository, digest, { scopes: pushScopes(repository) })) ?? -1, 'mounted', from);
      }
      session = mount.location ?? session;
    }
  }
  let chunked = opts.mode === 'chunked' || source.digest === undefined || source.size === undefined;
  const uploaded = await retrying(client.retry, `upload of ${source.digest ?? 'a blob'} to ${repository}`, client.log, async (attempt) => {
    if (attempt > 1 && source.digest) {
      // The last attempt may have landed and only its answer got lost.
      const size = await blobExists(client, repository, source.digest, { scopes: pushScopes(repository), retry: false });
      if (size !== undefined) return { digest: source.digest, size: source.size ?? size };
    }
    const location = session ?? (await startUpload(client, repository));
    session = undefined; // a session serves one attempt
    if (chunked) return uploadChunked(client, repository, location, source, opts.chunkSize);
    try {
      await uploadMonolithic(client, repository, location, source as BlobSource & { digest: string; size: number });
      return { digest: source.digest!, size: source.size! };
    } catch (err) {
      if (err instanceof RegistryError && CHUNK_FALLBACK.has(err.status)) {
        client.log.debug(`${source.digest}: monolithic upload refused (${err.status}), uploading in chunks`);
        chunked = true;
        return uploadChunked(client, repository, await startUpload(client, repository), source, opts.chunkSize);
      }
      throw err;
    }
  });
  return report(uploaded.digest, uploaded.size, 'uploaded');
}

/** GET a blob as a stream, checked against its digest (and size) as it is read. */
export async function openBlob(client: RegistryClient, repository: string, digest: string, size?: number): Promise<AsyncIterable<Uint8Array>> {
  const req: HttpRequest = { method: 'GET', url: await client.url(repository, `blobs/${digest}`), scopes: [repositoryScope(repository, 'pull')] };
  const res = await expectStatus(await client.send(req), req, 200);
  return verified(res.body, `blob ${digest} from ${repository}`, digest, size);
}

/** GET a small blob (a config) into memory, checked against its digest; at most `maxBytes`. */
export async function fetchBlob(client: RegistryClient, repository: string, digest: string, maxBytes = 16 << 20): Promise<Buffer> {
  const req: HttpRequest = {
    method: 'GET',
    url: await client.url(repository, `blobs/${digest}`),
    scopes: [repositoryScope(repository, 'pull')],
    buffer: maxBytes,
  };
  const res = await expectStatus(await client.send(req), req, 200);
  const data = res.data!;
  const d = Digester.for(digest);
  d.update(data);
  const actual = d.digest();
  if (actual !== digest) throw new DigestMismatchError(`blob ${digest} from ${repository}`, digest, actual);
  return data;
}
