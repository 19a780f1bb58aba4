// A local GitHub Actions artifact service, enough of it for the real @actions/artifact v6
// client (upload with and without skipArchive, list, download) against 127.0.0.1:
//
// - Twirp JSON under /twirp/github.actions.results.api.v1.ArtifactService/ (proto field
//   names, as the client sends them): CreateArtifact (answers a signed upload URL; a
//   second finalized artifact of the same name in the run is refused with 409, as the
//   service does), FinalizeArtifact (size and sha256 must match what was uploaded),
//   ListArtifacts (name / id filters), GetSignedArtifactURL, DeleteArtifact; the
//   expiry CreateArtifact asks for (retention days) is kept.
// - The runtime token is a JWT whose `scp` claim holds `Actions.Results:<run>:<job>`;
//   the backend ids of every request must be those.
// - Blob storage in the Azure shape the client's BlockBlobClient speaks to an IP-style URL
//   (/<account>/<container>/<blob>?sig=…): PUT ?comp=block&blockid=…, PUT ?comp=blocklist
//   (the content type in x-ms-blob-content-type), or a single PUT; GET answers with that
//   content type and a Content-Disposition naming the artifact, as the service's
//   download URLs do.
// - `forward`: requests for anything else (the cache service's Twirp calls and blobs)
//   are proxied there, so one ACTIONS_RESULTS_URL serves both, as on a runner.

import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { buffer as readAll } from 'node:stream/consumers';
import { handled, listenLocal, replyTwirpError, TwirpError } from './twirp.ts';

export const ARTIFACT_TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/';
const ACCOUNT = 'devstoreaccount1';
const CONTAINER = 'actions-results';

export interface StoredArtifact {
  id: number;
  name: string;
  runId: string;
  jobId: string;
  version: number;
  mimeType: string | undefined;
  finalized: boolean;
  /** Declared at finalize. */
  size: number;
  /** `sha256:<hex>` declared at finalize. */
  hash: string | undefined;
  bytes: Buffer | undefined;
  createdAt: string;
  /** `expires_at` as CreateArtifact gave it (the client sets it from retention days). */
  expiresAt: string | undefined;
}

export interface ArtifactServer {
  /** ACTIONS_RESULTS_URL (ends with "/"). */
  url: string;
  artifacts(): StoredArtifact[];
  /** Twirp method → calls. */
  calls: Record<string, number>;
  /** The next `times` calls of `method` answer `status`. */
  failNext(method: string, status: number, times?: number): void;
  stop(): Promise<void>;
}

function backendIds(auth: string | undefined): { runId: string; jobId: string } {
  const m = /^Bearer (.+)$/.exec(auth ?? '');
  if (!m) throw new TwirpError(401, 'unauthenticated', 'missing bearer token');
  const parts = m[1]!.split('.');
  if (parts.length !== 3) throw new TwirpError(401, 'unauthenticated', 'malformed token');
  let scp = '';
  try {
    scp = String((JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as { scp?: string }).scp ?? '');
  } catch {
    throw new TwirpError(401, 'unauthenticated', 'unreadable token');
  }
  const results = scp.split(' ').map((s) => s.split(':')).find((p) => p[0] === 'Actions.Results' && p.length === 3);
  if (!results) throw new TwirpError(403, 'permission_denied', 'token has no Actions.Results scope');
  return { runId: results[1]!, jobId: results[2]! };
}

export async function startArtifactServer(opts: { forward?: string } = {}): Promise<ArtifactServer> {
  const artifacts: (StoredArtifact & { sig: string; blocks: Map<string, Buffer>; contentType?: string })[] = [];
  const calls: Record<string, number> = {};
  let lastId = 0;
  const faults = new Map<string, { status: number; times: number }>();
  let base = '';
  const blobUrl = (a: { id: number; sig: string }, perm: string) =>
    `${base}${ACCOUNT}/${CONTAINER}/${a.id}?sv=2024-11-04&sp=${perm}&se=${encodeURIComponent(new Date(Date.now() + 3600e3).toISOString())}&sig=${a.sig}`;

  function twirp(method: string, body: Record<string, unknown>, ids: { runId: string; jobId: string }): unknown {
    const inRun = (a: StoredArtifact) => a.runId === ids.runId;
    const checkIds = () => {
      if (body.workflow_run_backend_id !== ids.runId || body.workflow_job_run_backend_id !== ids.jobId) {
        throw new TwirpError(403, 'permission_denied', 'backend ids do not match the token');
      }
    };
    const name = typeof body.name === 'string' ? body.name : '';
    switch (method) {
      case 'CreateArtifact': {
        checkIds();
        if (!name) throw new TwirpError(400, 'invalid_argument', 'name is required');
        if (typeof body.version !== 'number' || body.version < 4) throw new TwirpError(400, 'invalid_argument', 'unsupported artifact version');
        if (artifacts.some((a) => inRun(a) && a.name === name && a.finalized)) {
          throw new TwirpError(409, 'already_exists', `an artifact with this name already exists on the workflow run: ${name}`);
        }
        const a = {
          // Ids are never reused, as the service's are not (a deleted artifact's included).
          id: ++lastId,
          name,
          ...ids,
          version: body.version,
          mimeType: typeof body.mime_type === 'string' ? body.mime_type : undefined,
          finalized: false,
          size: 0,
          hash: undefined,
          bytes: undefined,
          createdAt: new Date().toISOString(),
          expiresAt: typeof body.expires_at === 'string' ? body.expires_at : undefined,
          sig: randomBytes(16).toString('hex'),
          blocks: new Map<string, Buffer>(),
        };
        artifacts.push(a);
        return { ok: true, signed_upload_url: blobUrl(a, 'cw') };
      }
      case 'FinalizeArtifact': {
        checkIds();
        const a = artifacts.find((x) => inRun(x) && x.name === name && !x.finalized);
        if (!a) throw new TwirpError(404, 'not_found', `no artifact ${name} being uploaded`);
        if (!a.bytes) throw new TwirpError(400, 'failed_precondition', 'nothing was uploaded');
        if (String(a.bytes.length) !== String(body.size)) throw new TwirpError(400, 'invalid_argument', `size ${String(body.size)} does not match the ${a.bytes.length} bytes uploaded`);
        const hash = typeof body.hash === 'string' ? body.hash : undefined;
        const actual = `sha256:${createHash('sha256').update(a.bytes).digest('hex')}`;
        if (hash !== undefined && hash !== actual) throw new TwirpError(400, 'invalid_argument', `hash ${hash} does not match the upload (${actual})`);
        a.finalized = true;
        a.size = a.bytes.length;
        a.hash = hash;
        return { ok: true, artifact_id: String(a.id) };
      }
      case 'ListArtifacts': {
        if (body.workflow_run_backend_id !== ids.runId) throw new TwirpError(403, 'permission_denied', 'not this run');
        const list = artifacts.filter(
          (a) => inRun(a) && a.finalized && (body.name_filter === undefined || a.name === body.name_filter) && (body.id_filter === undefined || String(a.id) === String(body.id_filter)),
        );
        return {
          artifacts: list.map((a) => ({
            workflow_run_backend_id: a.runId,
            workflow_job_run_backend_id: a.jobId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.size),
            created_at: a.createdAt,
            ...(a.hash ? { digest: a.hash } : {}),
          })),
        };
      }
      case 'GetSignedArtifactURL': {
        const a = artifacts.find((x) => inRun(x) && x.name === name && x.finalized);
        if (!a) throw new TwirpError(404, 'not_found', `no artifact ${name}`);
        return { signed_url: blobUrl(a, 'r') };
      }
      case 'DeleteArtifact': {
        checkIds();
        const i = artifacts.findIndex((x) => inRun(x) && x.name === name && x.finalized);
        if (i < 0) throw new TwirpError(404, 'not_found', `no artifact ${name}`);
        const [a] = artifacts.splice(i, 1);
        return { ok: true, artifact_id: String(a!.id) };
      }
      default:
        throw new TwirpError(404, 'bad_route', `no such method ${method}`);
    }
  }

  async function blob(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean);
    const a = artifacts.find((x) => String(x.id) === parts[2]);
    const common = { 'x-ms-request-id': randomBytes(8).toString('hex'), 'x-ms-version': '2024-11-04', date: new Date().toUTCString() };
    const fail = (status: number, code: string) => {
      res.writeHead(status, { ...common, 'x-ms-error-code': code, 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
    };
    if (!a) return fail(404, 'BlobNotFound');
    if (url.searchParams.get('sig') !== a.sig) return fail(403, 'AuthenticationFailed');
    const etag = `"0x${randomBytes(8).toString('hex').toUpperCase()}"`;
    if (req.method === 'PUT') {
      if (a.finalized) return fail(409, 'BlobImmutable');
      if (!url.searchParams.get('sp')?.includes('w')) return fail(403, 'AuthorizationPermissionMismatch');
      const body = await readAll(req);
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        const id = url.searchParams.get('blockid');
        if (!id) return fail(400, 'InvalidQueryParameterValue');
        a.blocks.set(id, body);
      } else if (comp === 'blocklist') {
        const ids = [...body.toString().matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\//g)].map((m) => m[1]!);
        if (ids.some((id) => !a.blocks.has(id))) return fail(400, 'InvalidBlockList');
        a.bytes = Buffer.concat(ids.map((id) => a.blocks.get(id)!));
        a.blocks.clear();
        a.contentType = String(req.headers['x-ms-blob-content-type'] ?? '') || undefined;
      } else {
        if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return fail(400, 'InvalidHeaderValue');
        a.bytes = body;
        a.contentType = String(req.headers['x-ms-blob-content-type'] ?? '') || undefined;
      }
      res.writeHead(201, { ...common, etag, 'last-modified': new Date().toUTCString(), 'x-ms-request-server-encrypted': 'true', 'content-length': '0' });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'UnsupportedHttpVerb');
    if (!a.finalized || !a.bytes) return fail(404, 'BlobNotFound');
    res.writeHead(200, {
      ...common,
      etag,
      'content-type': a.contentType ?? a.mimeType ?? 'application/octet-stream',
      'content-disposition': `attachment; filename="${a.name}"; filename*=UTF-8''${encodeURIComponent(a.name)}`,
      'content-length': String(a.bytes.length),
    });
    res.end(req.method === 'HEAD' ? undefined : a.bytes);
  }

  function proxy(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = new URL(req.url ?? '/', opts.forward);
    const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(up);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const ours = url.pathname.startsWith(ARTIFACT_TWIRP) || url.pathname.startsWith(`/${ACCOUNT}/${CONTAINER}/`);
    if (!ours && opts.forward) return proxy(req, res);
    const handle = async () => {
      if (!url.pathname.startsWith(ARTIFACT_TWIRP)) return blob(req, res, url);
      const method = url.pathname.slice(ARTIFACT_TWIRP.length);
      const raw = await readAll(req);
      calls[method] = (calls[method] ?? 0) + 1;
      try {
        if (req.method !== 'POST') throw new TwirpError(405, 'bad_route', 'Twirp calls are POSTs');
        const fault = faults.get(method);
        if (fault && fault.times > 0) {
          fault.times--;
          throw new TwirpError(fault.status, 'unavailable', `injected ${fault.status}`);
        }
        const ids = backendIds(req.headers.authorization);
        const body = JSON.parse(raw.toString() || '{}') as Record<string, unknown>;
        const out = twirp(method, body, ids);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out));
      } catch (err) {
        replyTwirpError(res, err);
      }
    };
    handled(res, handle);
  });
  base = await listenLocal(server);
  return {
    url: base,
    artifacts: () => artifacts.map(({ sig: _s, blocks: _b, contentType: _c, ...a }) => a),
    calls,
    failNext: (method, status, times = 1) => faults.set(method, { status, times }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
