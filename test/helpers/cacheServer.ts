// A local GitHub Actions cache service, enough of it for the real @actions/cache v6 client
// (the v2 protocol) to save and restore against 127.0.0.1:
//
// - Twirp JSON under /twirp/github.actions.results.api.v1.CacheService/: CreateCacheEntry
//   (answers a signed upload URL; a second entry for the same key + version + scope is
//   refused with 409 already_exists, as the service does), FinalizeCacheEntryUpload,
//   GetCacheEntryDownloadURL (exact key, then key as a prefix, then each restore key
//   exactly and as a prefix; newest entry first; the version must match; the current
//   branch's scope first, then the other readable scopes of the token).
// - Refusals where the client takes a path of its own, answered as the service does: a
//   token without a writable scope gets HTTP 200 {ok: false, message: "cache write
//   denied: …"} (the client's CacheWriteDeniedError: one warning, no retry), one without
//   a readable scope 403 "cache read denied: …"; a finalize that would take the stored
//   entries beyond the repository's quota (setQuota) is a Twirp error whose msg says
//   "insufficient usage" — the only thing the client reads to tell it (UsageError, "Cache
//   storage quota has been hit") from a rate limit, whatever the status — and the upload
//   is dropped.
// - Blob storage in the Azure shape the client's BlockBlobClient speaks: a single PUT
//   (x-ms-blob-type: BlockBlob), or PUT ?comp=block&blockid=… then PUT ?comp=blocklist
//   with the XML list; HEAD, and GET with a single (x-ms-)Range, for downloads. With
//   `azure`, as on GitHub, the signed URLs name https://<account>.blob.core.windows.net
//   (mapped to 127.0.0.1 in /etc/hosts, TLS from a test CA the client must trust:
//   NODE_EXTRA_CA_CERTS), so the client downloads through the Azure SDK — HEAD for the
//   size, then ranged GETs of 4 MiB blocks — and not with the one plain GET it uses for
//   any other host, which is what it does without `azure` (IP-style URLs,
//   http://127.0.0.1:<port>/<account>/<container>/<blob>).
// - The runtime token is a JWT whose `ac` claim lists the cache scopes (JSON text of
//   [{Scope, Permission}], permission bits 1 = read, 2 = write), as the runner's is.
//
// For tests: counters of every call, a log of Twirp calls and of blob calls, injectable
// faults (429 with Retry-After, 5xx) for the next N calls of a method, and mutation of a
// stored entry (flip a byte, truncate, rewrite one file inside the cached tar).

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import tls from 'node:tls';
import tar from 'tar-stream';
import { makeTestCa } from './registry.ts';
import { handled, listenLocal, replyTwirpError, TwirpError } from './twirp.ts';

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
const ACCOUNT = 'devstoreaccount1';
const CONTAINER = 'actions-cache';
/** The storage account host of `azure` servers (GitHub's look like productionresultssa0.blob.core.windows.net). */
export const BLOB_HOST = 'nixdockertestsa0.blob.core.windows.net';

export type TwirpMethod = 'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL';
export type BlobOp = 'putBlob' | 'putBlock' | 'putBlockList' | 'getBlob' | 'headBlob';
export type CallName = TwirpMethod | BlobOp;

/** A cache scope of the token: a ref, with permission bits 1 = read, 2 = write. */
export interface CacheScope {
  scope: string;
  permission: number;
}

export interface CacheEntryInfo {
  id: number;
  key: string;
  version: string;
  scope: string;
  finalized: boolean;
  size: number;
  /** Creation order (higher = newer). */
  seq: number;
}

export interface TwirpCall {
  method: TwirpMethod;
  key: string;
  status: number;
  /** GetCacheEntryDownloadURL: the key it matched, if any. */
  matched?: string;
}

/** One call to blob storage: what, and the range a GET asked for. */
export interface BlobCall {
  op: BlobOp;
  host: string;
  range?: string;
}

export interface CacheServerOptions {
  /** Signed URLs on an Azure blob host over TLS, as GitHub's (see the top of this file). */
  azure?: boolean;
}

export interface Fault {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many calls fail (default 1). */
  times?: number;
  /** The Twirp error's `msg` (default "injected <status>"). */
  message?: string;
}

export interface CacheServer {
  /** ACTIONS_RESULTS_URL (ends with "/"). */
  url: string;
  /** `azure`: the CA (PEM file) the client must trust. */
  caFile?: string;
  /** What a process running the client needs besides its token: the service's URL, and the CA to trust. */
  env: Record<string, string>;
  calls: Record<CallName, number>;
  /** Every Twirp call in order, with its key and answer. */
  twirpLog: TwirpCall[];
  /** Every blob call in order. */
  blobLog: BlobCall[];
  entries(): CacheEntryInfo[];
  /** The repository's cache storage quota in bytes (undefined: none). */
  setQuota(bytes: number | undefined): void;
  /** Bytes of the finalized entries, every scope. */
  usedBytes(): number;
  /** The next `times` calls of `method` answer `status` (Twirp JSON error body). */
  failNext(method: CallName, fault: Fault): void;
  /** Replaces the stored archive of the finalized entry `key` (every scope) with `mutate(bytes)`. */
  mutate(key: string, mutate: (archive: Buffer) => Buffer | Promise<Buffer>): Promise<void>;
  /** Forgets an entry, as the service's eviction does. */
  evict(key: string): void;
  /** Zeroes the counters and the Twirp log. */
  resetCounters(): void;
  /** Drops faults not yet used. */
  clearFaults(): void;
  stop(): Promise<void>;
}

interface Entry extends CacheEntryInfo {
  sig: string;
  blob?: Buffer;
  blocks: Map<string, Buffer>;
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  429: 'resource_exhausted',
  500: 'internal',
  502: 'unavailable',
  503: 'unavailable',
};

/** A JWT-shaped runtime token carrying cache scopes in `ac`, as the runner's token does. */
export function runtimeToken(scopes: CacheScope[] = [{ scope: 'refs/heads/main', permission: 3 }]): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    ac: JSON.stringify(scopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))),
    scp: 'Actions.Results:run-1:job-1 Actions.GenericRead:00000000-0000-0000-0000-000000000000',
    nbf: now - 60,
    exp: now + 3600,
    iss: 'vstoken.actions.githubusercontent.com',
  };
  return `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64(payload)}.${randomBytes(32).toString('base64url')}`;
}

function scopesOf(auth: string | undefined): CacheScope[] {
  const m = /^Bearer (.+)$/.exec(auth ?? '');
  if (!m) throw new TwirpError(401, 'unauthenticated', 'missing bearer token');
  const parts = m[1]!.split('.');
  if (parts.length !== 3) throw new TwirpError(401, 'unauthenticated', 'malformed token');
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as { ac?: string };
    const ac = JSON.parse(claims.ac ?? '[]') as { Scope: string; Permission: number }[];
    return ac.map((s) => ({ scope: s.Scope, permission: s.Permission }));
  } catch {
    throw new TwirpError(401, 'unauthenticated', 'token without readable access controls');
  }
}

/**
 * Maps BLOB_HOST to 127.0.0.1 in /etc/hosts, once: the line is kept (a later run, or a
 * test file running meanwhile, uses it too), so adding it is idempotent.
 */
async function mapBlobHost(): Promise<void> {
  const hostsFile = '/etc/hosts';
  const line = new RegExp(`^127\\.0\\.0\\.1\\s(.*\\s)?${BLOB_HOST.replace(/\./g, '\\.')}(\\s|$)`, 'm');
  const hosts = await fsp.readFile(hostsFile, 'utf8');
  if (!line.test(hosts)) {
    try {
      await fsp.appendFile(hostsFile, `${hosts === '' || hosts.endsWith('\n') ? '' : '\n'}127.0.0.1 ${BLOB_HOST}\n`);
    } catch (err) {
      throw new Error(`cannot map ${BLOB_HOST} to 127.0.0.1 in ${hostsFile} (the test setup runs as root): ${(err as Error).message}`);
    }
  }
  const { address } = await dns.lookup(BLOB_HOST, { family: 4 });
  if (address !== '127.0.0.1') throw new Error(`${BLOB_HOST} resolves to ${address}, not 127.0.0.1 (${hostsFile})`);
}

export async function startCacheServer(opts: CacheServerOptions = {}): Promise<CacheServer> {
  const entries: Entry[] = [];
  const blobLog: BlobCall[] = [];
  let quota: number | undefined;
  const usedBytes = () => entries.reduce((n, e) => n + (e.finalized ? e.size : 0), 0);
  let seq = 0;
  const calls = {} as Record<CallName, number>;
  const resetCounters = () => {
    for (const k of ['CreateCacheEntry', 'FinalizeCacheEntryUpload', 'GetCacheEntryDownloadURL', 'putBlob', 'putBlock', 'putBlockList', 'getBlob', 'headBlob'] as const) calls[k] = 0;
  };
  resetCounters();
  const twirpLog: TwirpCall[] = [];
  const faults = new Map<CallName, (Required<Omit<Fault, 'message'>> & { message?: string })[]>();
  let base = '';
  /** Where the signed URLs point: `<base>/<account>/` (IP style) or `https://BLOB_HOST:<port>/`. */
  let blobBase = '';

  const takeFault = (name: CallName) => {
    const queue = faults.get(name);
    const f = queue?.[0];
    if (!f) return undefined;
    if (--f.times <= 0) queue!.shift();
    return f;
  };

  const blobUrl = (e: Entry, perm: string) =>
    `${blobBase}${CONTAINER}/${e.id}?sv=2024-11-04&sp=${perm}&se=${encodeURIComponent(new Date(Date.now() + 3600e3).toISOString())}&sig=${encodeURIComponent(e.sig)}`;

  const readable = (scopes: CacheScope[]) => scopes.filter((s) => s.permission & 1).map((s) => s.scope);
  const writable = (scopes: CacheScope[]) => scopes.find((s) => s.permission & 2)?.scope;

  function twirp(method: string, body: Record<string, unknown>, scopes: CacheScope[]): { status: number; json: unknown; key: string; matched?: string } {
    const key = typeof body.key === 'string' ? body.key : '';
    const version = typeof body.version === 'string' ? body.version : '';
    if (!key) throw new TwirpError(400, 'invalid_argument', 'key is required');
    if (key.length > 512) throw new TwirpError(400, 'invalid_argument', 'key is longer than 512 characters');
    if (!version) throw new TwirpError(400, 'invalid_argument', 'version is required');
    switch (method) {
      case 'CreateCacheEntry': {
        const scope = writable(scopes);
        if (!scope) return { status: 200, json: { ok: false, message: 'cache write denied: the token of this run has no writable cache scope' }, key };
        if (entries.some((e) => e.key === key && e.version === version && e.scope === scope)) {
          throw new TwirpError(409, 'already_exists', 'cache entry with the same key, version, and scope already exists');
        }
        const e: Entry = { id: entries.length + 1, key, version, scope, finalized: false, size: 0, seq: ++seq, sig: randomBytes(16).toString('hex'), blocks: new Map() };
        entries.push(e);
        return { status: 200, json: { ok: true, signed_upload_url: blobUrl(e, 'cw') }, key };
      }
      case 'FinalizeCacheEntryUpload': {
        const scope = writable(scopes);
        if (!scope) return { status: 200, json: { ok: false, message: 'cache write denied: the token of this run has no writable cache scope' }, key };
        const e = entries.find((x) => x.key === key && x.version === version && x.scope === scope && !x.finalized);
        if (!e) throw new TwirpError(404, 'not_found', 'no pending cache entry with this key and version');
        if (!e.blob) throw new TwirpError(400, 'failed_precondition', 'the entry has no uploaded blob');
        if (String(e.blob.length) !== String(body.size_bytes)) {
          throw new TwirpError(400, 'invalid_argument', `size_bytes ${String(body.size_bytes)} does not match the uploaded ${e.blob.length}`);
        }
        if (quota !== undefined && usedBytes() + e.blob.length > quota) {
          entries.splice(entries.indexOf(e), 1);
          throw new TwirpError(429, 'resource_exhausted', `insufficient usage: ${e.blob.length} bytes more would exceed the repository's cache storage quota of ${quota} bytes`);
        }
        e.finalized = true;
        e.size = e.blob.length;
        e.seq = ++seq;
        return { status: 200, json: { ok: true, entry_id: String(e.id) }, key };
      }
      case 'GetCacheEntryDownloadURL': {
        if (!readable(scopes).length) throw new TwirpError(403, 'permission_denied', 'cache read denied: the token of this run has no readable cache scope');
        const restoreKeys = Array.isArray(body.restore_keys) ? (body.restore_keys as string[]) : [];
        for (const scope of readable(scopes)) {
          const pool = entries.filter((e) => e.finalized && e.version === version && e.scope === scope).sort((a, b) => b.seq - a.seq);
          const find = (k: string) => pool.find((e) => e.key === k) ?? pool.find((e) => e.key.startsWith(k));
          for (const k of [key, ...restoreKeys]) {
            const hit = find(k);
            if (hit) return { status: 200, json: { ok: true, signed_download_url: blobUrl(hit, 'r'), matched_key: hit.key }, key, matched: hit.key };
          }
        }
        return { status: 200, json: { ok: false }, key };
      }
      default:
        throw new TwirpError(404, 'bad_route', `no such method ${method}`);
    }
  }

  async function blob(req: http.IncomingMessage, res: http.ServerResponse, url: URL, hostStyle: boolean): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean);
    const [container, id] = hostStyle ? parts : parts[0] === ACCOUNT ? parts.slice(1) : [];
    const e = container === CONTAINER ? entries.find((x) => String(x.id) === id) : undefined;
    const common = { 'x-ms-request-id': randomBytes(8).toString('hex'), 'x-ms-version': '2024-11-04', date: new Date().toUTCString() };
    const fail = (status: number, code: string) => {
      res.writeHead(status, { ...common, 'x-ms-error-code': code, 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
    };
    if (!e) return fail(404, 'BlobNotFound');
    if (url.searchParams.get('sig') !== e.sig) return fail(403, 'AuthenticationFailed');
    const comp = url.searchParams.get('comp');
    const op: BlobOp = req.method === 'PUT' ? (comp === 'block' ? 'putBlock' : comp === 'blocklist' ? 'putBlockList' : 'putBlob') : req.method === 'HEAD' ? 'headBlob' : 'getBlob';
    calls[op]++;
    const asked = req.headers['x-ms-range'] ?? req.headers.range;
    blobLog.push({ op, host: String(req.headers.host ?? ''), ...(asked ? { range: String(asked) } : {}) });
    const fault = takeFault(op);
    if (fault) {
      res.writeHead(fault.status, { ...common, ...(fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {}) });
      return void res.end();
    }
    const etag = `"0x${randomBytes(8).toString('hex').toUpperCase()}"`;
    if (req.method === 'PUT') {
      if (e.finalized) return fail(409, 'BlobImmutable');
      if (!url.searchParams.get('sp')?.includes('w')) return fail(403, 'AuthorizationPermissionMismatch');
      const body = await readAll(req);
      if (op === 'putBlock') {
        const id = url.searchParams.get('blockid');
        if (!id) return fail(400, 'InvalidQueryParameterValue');
        e.blocks.set(id, body);
      } else if (op === 'putBlockList') {
        const ids = [...body.toString().matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\//g)].map((m) => m[1]!);
        const missing = ids.find((id) => !e.blocks.has(id));
        if (missing) return fail(400, 'InvalidBlockList');
        e.blob = Buffer.concat(ids.map((id) => e.blocks.get(id)!));
        e.blocks.clear();
      } else {
        if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return fail(400, 'InvalidHeaderValue');
        e.blob = body;
      }
      res.writeHead(201, { ...common, etag, 'last-modified': new Date().toUTCString(), 'x-ms-request-server-encrypted': 'true', 'content-length': '0' });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'UnsupportedHttpVerb');
    if (!e.finalized || !e.blob) return fail(404, 'BlobNotFound');
    const data = e.blob;
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''));
    const headers = { ...common, etag, 'accept-ranges': 'bytes', 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream', 'last-modified': new Date().toUTCString() };
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
      if (start >= data.length || end < start) {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${data.length}` });
        return void res.end();
      }
      res.writeHead(206, { ...headers, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${data.length}` });
      return void res.end(req.method === 'HEAD' ? undefined : data.subarray(start, end + 1));
    }
    res.writeHead(200, { ...headers, 'content-length': String(data.length) });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const handle = async () => {
      if (!url.pathname.startsWith(TWIRP_PREFIX)) return blob(req, res, url, false);
      const method = url.pathname.slice(TWIRP_PREFIX.length) as TwirpMethod;
      const raw = await readAll(req);
      let key = '';
      try {
        if (req.method !== 'POST') throw new TwirpError(405, 'bad_route', 'Twirp calls are POSTs');
        const body = JSON.parse(raw.toString() || '{}') as Record<string, unknown>;
        key = typeof body.key === 'string' ? body.key : '';
        if (method in calls) calls[method as CallName]++;
        const scopes = scopesOf(req.headers.authorization);
        const fault = takeFault(method);
        if (fault) throw new TwirpError(fault.status, CODE_FOR_STATUS[fault.status] ?? 'unknown', fault.message ?? `injected ${fault.status}`, fault.retryAfter || undefined);
        const out = twirp(method, body, scopes);
        twirpLog.push({ method, key, status: out.status, ...(out.matched ? { matched: out.matched } : {}) });
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.json));
      } catch (err) {
        twirpLog.push({ method, key, status: replyTwirpError(res, err).status });
      }
    };
    handled(res, handle);
  });
  base = await listenLocal(server);
  blobBase = `${base}${ACCOUNT}/`;

  let blobServer: https.Server | undefined;
  let caDir: string | undefined;
  let caFile: string | undefined;
  if (opts.azure) {
    await mapBlobHost();
    caDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'nix-docker-cache-ca-'));
    const files = await makeTestCa(caDir, 'blob', [BLOB_HOST]);
    caFile = files.caFile;
    // Readable by the unprivileged user the action may run as (runnerEnv.ts); the key stays root's.
    await fsp.chmod(caDir, 0o755);
    await fsp.chmod(caFile, 0o644);
    const s = https.createServer({ key: fs.readFileSync(files.keyFile), cert: fs.readFileSync(files.certFile) }, (req, res) => {
      handled(res, () => blob(req, res, new URL(req.url ?? '/', blobBase), true));
    });
    blobServer = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    blobBase = `https://${BLOB_HOST}:${(s.address() as AddressInfo).port}/`;
  }
  const close = (s: http.Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });

  return {
    url: base,
    ...(caFile ? { caFile } : {}),
    env: { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: base, GITHUB_SERVER_URL: 'https://github.com', ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}) },
    calls,
    twirpLog,
    blobLog,
    entries: () => entries.map(({ id, key, version, scope, finalized, size, seq }) => ({ id, key, version, scope, finalized, size, seq })),
    setQuota: (bytes) => {
      quota = bytes;
    },
    usedBytes,
    failNext: (method, fault) => {
      const queue = faults.get(method) ?? [];
      queue.push({ status: fault.status, retryAfter: fault.retryAfter ?? 0, times: fault.times ?? 1, ...(fault.message ? { message: fault.message } : {}) });
      faults.set(method, queue);
    },
    mutate: async (key, fn) => {
      const hits = entries.filter((e) => e.key === key && e.finalized && e.blob);
      if (!hits.length) throw new Error(`no finalized entry ${key}`);
      for (const e of hits) e.blob = await fn(e.blob!);
    },
    evict: (key) => {
      for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.key === key) entries.splice(i, 1);
    },
    resetCounters: () => {
      resetCounters();
      twirpLog.length = 0;
      blobLog.length = 0;
    },
    clearFaults: () => faults.clear(),
    stop: async () => {
      await Promise.all([close(server), blobServer && close(blobServer)]);
      if (caDir) await fsp.rm(caDir, { recursive: true, force: true });
    },
  };
}

export interface CacheEnvOptions {
  /** Cache scopes of the runtime token; default: refs/heads/main, read + write. */
  scopes?: CacheScope[];
  /** GITHUB_WORKSPACE: where the client's tar is rooted. */
  workspace: string;
  /** RUNNER_TEMP: where the client makes its temporary archives. */
  runnerTemp: string;
}

/** The environment the @actions/cache client reads for the v2 service (and NODE_EXTRA_CA_CERTS, for `azure`). */
export function cacheEnv(server: CacheServer, opts: CacheEnvOptions): Record<string, string | undefined> {
  return {
    ...server.env,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(opts.scopes),
    ACTIONS_CACHE_URL: undefined,
    ACTIONS_CACHE_MODE: undefined,
    GITHUB_WORKSPACE: opts.workspace,
    RUNNER_TEMP: opts.runnerTemp,
  };
}

/**
 * Sets `cacheEnv(...)` in process.env, for the client in this process; returns a function
 * that puts the previous values back. NODE_EXTRA_CA_CERTS is read only when a process
 * starts, so the CA of an `azure` server is added to this process's default CAs instead.
 */
export function useCacheEnv(server: CacheServer, opts: CacheEnvOptions): () => void {
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = cacheEnv(server, opts);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(env);
  const cas = tls.getCACertificates('default');
  if (server.caFile) tls.setDefaultCACertificates([...cas, fs.readFileSync(server.caFile, 'utf8')]);
  return () => {
    apply(saved);
    if (server.caFile) tls.setDefaultCACertificates(cas);
  };
}

// ---- Mutating stored archives (the client's tar, compressed with zstd or gzip) ----

function pipeThrough(cmd: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin!.end(input);
  });
}

const isZstd = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528;

/**
 * Rewrites the files of a cached archive: `fn(name, data)` returns new bytes for a file,
 * or undefined to keep it. The archive stays a valid tar, compressed as before.
 */
export async function rewriteArchive(archive: Buffer, fn: (name: string, data: Buffer) => Buffer | undefined): Promise<Buffer> {
  const zstd = isZstd(archive);
  const plain = zstd ? await pipeThrough('zstd', ['-d', '-c'], archive) : await pipeThrough('gzip', ['-d', '-c'], archive);
  const extract = tar.extract();
  const pack = tar.pack();
  const packed = readAll(pack);
  extract.on('entry', (header, stream, next) => {
    readAll(stream).then((data) => {
      const replaced = header.type === 'file' ? fn(header.name, data) : undefined;
      const out = replaced ?? data;
      pack.entry({ ...header, size: out.length }, out, next);
    }, next);
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    Readable.from([plain]).pipe(extract);
  });
  pack.finalize();
  const out = await packed;
  return zstd ? pipeThrough('zstd', ['-c', '-q'], out) : pipeThrough('gzip', ['-c'], out);
}

/** Flips one byte in the middle (an archive the client cannot unpack). */
export const flipByte = (b: Buffer): Buffer => {
  const out = Buffer.from(b);
  const i = Math.floor(out.length / 2);
  out[i] = out[i]! ^ 0xff;
  return out;
};
