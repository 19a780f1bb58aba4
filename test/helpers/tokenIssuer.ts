// A tiny Docker token server for tests: GET /token?service=&scope=… (optionally with Basic
// credentials) answers {token, access_token, expires_in, issued_at}, the token an ES256
// JWT with an x5c header that distribution's `auth.token` (rootcertbundle = our
// self-signed cert) accepts. distribution adds 60 s of leeway to `exp`, so a token meant
// to live L seconds gets exp = now + L - 60; `advertisedSeconds` lets the issuer claim
// a longer life than the registry grants, so a client's cached token expires mid-push.

import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LEEWAY = 60;

export interface TokenIssuerOptions {
  /** Directory for the key and certificate. */
  dir: string;
  service?: string;
  issuer?: string;
  /** username → password. Anonymous requests get tokens without access. */
  users?: Record<string, string>;
  /** Repositories under these prefixes get `pull` only, whoever asks. */
  pullOnly?: string[];
  /** OAuth2 refresh token → username, for POST grant_type=refresh_token (docker's identitytoken). */
  refreshTokens?: Record<string, string>;
  /** How long the registry accepts a token (default 300 s). */
  lifetimeSeconds?: number;
  /** The `expires_in` the issuer claims (default: `lifetimeSeconds`). */
  advertisedSeconds?: number;
}

export interface TokenRequest {
  method: string;
  user: string | undefined;
  scopes: string[];
  granted: boolean;
}

export interface TokenIssuer {
  /** The realm URL. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM of the signing certificate (the registry's rootcertbundle). */
  certFile: string;
  requests: TokenRequest[];
  /** Tokens issued with access (a refresh shows as a second one). */
  issued(): number;
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  const service = opts.service ?? 'test-registry';
  const issuer = opts.issuer ?? 'test-issuer';
  const lifetime = opts.lifetimeSeconds ?? 300;
  const advertised = opts.advertisedSeconds ?? lifetime;
  const keyFile = path.join(opts.dir, 'token.key');
  const certFile = path.join(opts.dir, 'token.crt');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=test token issuer',
  ]);
  const key: KeyObject = createPrivateKey(await readFile(keyFile));
  const x5c = new X509Certificate(await readFile(certFile)).raw.toString('base64');
  const requests: TokenRequest[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const user = opts.refreshTokens?.[form.get('refresh_token') ?? ''];
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        if (form.get('grant_type') !== 'refresh_token' || user === undefined) {
          requests.push({ method: 'POST', user, scopes, granted: false });
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant', error_description: 'unknown refresh token' }));
          return;
        }
        grant('POST', user, true, form.get('service'), scopes, res);
      });
      return;
    }
    let user: string | undefined;
    let authorized = false;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      user = decoded.slice(0, colon);
      authorized = opts.users?.[user] !== undefined && opts.users[user] === decoded.slice(colon + 1);
      if (!authorized) {
        requests.push({ method: 'GET', user, scopes: url.searchParams.getAll('scope'), granted: false });
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
    }
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    grant('GET', user, authorized, url.searchParams.get('service'), scopes, res);
  });

  function grant(method: string, user: string | undefined, authorized: boolean, aud: string | null, scopes: string[], res: http.ServerResponse): void {
    const access = authorized
      ? scopes.map((s) => {
          const first = s.indexOf(':');
          const last = s.lastIndexOf(':');
          const name = s.slice(first + 1, last);
          const actions = s.slice(last + 1).split(',');
          const readOnly = opts.pullOnly?.some((p) => name.startsWith(p));
          return { type: s.slice(0, first), name, actions: readOnly ? actions.filter((a) => a === 'pull') : actions };
        })
      : [];
    requests.push({ method, user, scopes, granted: authorized });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [x5c] };
    const claims = {
      iss: issuer,
      sub: user ?? '',
      aud: aud ?? service,
      exp: now + lifetime - LEEWAY,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${signingInput}.${b64url(signature)}`;
    // OAuth2 answers carry access_token only; the docker token API both.
    const body = method === 'POST' ? { access_token: token } : { token, access_token: token };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ ...body, expires_in: advertised, issued_at: new Date(now * 1000).toISOString() }),
    );
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref(); // stopped by its owner; never what keeps a test process alive
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    issued: () => requests.filter((r) => r.granted).length,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
