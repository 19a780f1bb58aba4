// Registry authentication, as a transport wrapper: it answers the registry's
// `WWW-Authenticate` challenge. Basic sends the credentials with every request to the
// registry's own origin; Bearer fetches a token from the challenge's realm for the
// request's scopes (with Basic credentials, an OAuth refresh token, or anonymously),
// caches it per scope set until shortly before it expires, and on a 401 mid-push drops
// that token, fetches a new one and sends the request once more. Requests to any other
// origin (redirect targets, the realm itself) never get an Authorization header here.

import type { Logger } from '../util/log.ts';
import type { Credentials } from './credentials.ts';
import { RegistryError, parseErrorBody } from './errors.ts';
import type { HttpRequest, HttpResponse, Send, Wrapper } from './transport.ts';

export interface Challenge {
  /** Lower case: `basic`, `bearer`, … */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `WWW-Authenticate` (RFC 7235): one or more challenges, each a scheme followed by
 * `key=value` / `key="quoted, value"` parameters. Commas inside quotes stay (scopes have them).
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(', ') : header;
  const out: Challenge[] = [];
  let i = 0;
  const skip = (re: RegExp): void => {
    while (i < text.length && re.test(text[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z/]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (;;) {
      const save = i;
      skip(/[\s,]/);
      const key = token();
      skip(/\s/);
      if (!key || text[i] !== '=') {
        i = save; // not a parameter: the next challenge's scheme, or the end
        break;
      }
      i++; // '='
      skip(/\s/);
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i++];
        }
        i++; // closing quote
      } else {
        value = token();
        while (text[i] === '=') value += text[i++]; // token68 padding
      }
      challenge.params[key.toLowerCase()] = value;
    }
  }
  return out;
}

export function repositoryScope(repository: string, actions: string): string {
  return `repository:${repository}:${actions}`;
}

interface Token {
  value: string;
  expiresAt: number;
}

type Scheme = { kind: 'basic' } | { kind: 'bearer'; realm: string; service: string | undefined };

const TOKEN_BODY_CAP = 1 << 20;

export class Authenticator {
  /** The registry's origin (`https://host:port`); only requests to it get credentials. */
  origin: string | undefined;
  readonly #host: string;
  readonly #credentials: Credentials | undefined;
  readonly #inner: Send;
  readonly #log: Logger;
  #scheme: Scheme | undefined;
  readonly #tokens = new Map<string, Token>();
  readonly #pending = new Map<string, Promise<Token>>();
  /** Tokens fetched so far (tests and debug logs read it). */
  tokensFetched = 0;

  /** `inner` is the transport below auth (user agent, retry, redirects): used for the realm. */
  constructor(host: string, credentials: Credentials | undefined, inner: Send, log: Logger) {
    this.#host = host;
    this.#credentials = credentials;
    this.#inner = inner;
    this.#log = log;
  }

  /** Takes note of how the registry wants to be spoken to (from the ping or a 401). */
  learn(challenges: Challenge[]): boolean {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      const realm = bearer.params.realm!;
      const prev = this.#scheme;
      if (prev?.kind !== 'bearer' || prev.realm !== realm || prev.service !== bearer.params.service) this.#tokens.clear();
      this.#scheme = { kind: 'bearer', realm, service: bearer.params.service };
      return true;
    }
    if (basic) {
      this.#scheme = { kind: 'basic' };
      return true;
    }
    return false;
  }

  wrap(): Wrapper {
    return (next) => async (req) => {
      if (!this.#mine(req.url)) return next(req);
      const { request: first, token } = await this.#authorize(req);
      const res = await next(first);
      if (res.status !== 401 || !this.#mine(res.url)) return res;

      const challenges = parseChallenges(res.headers['www-authenticate']);
      const hadBasic = this.#scheme?.kind === 'basic' && first.headers?.authorization !== undefined;
      if (!this.learn(challenges) || hadBasic || (this.#scheme?.kind === 'basic' && !this.#hasPassword())) {
        return this.#fail(res, req);
      }
      const asked = challenges.find((c) => c.scheme === 'bearer')?.params.scope?.split(' ').filter(Boolean) ?? [];
      const scopes = [...(req.scopes ?? []), ...asked.filter((s) => !covered(s, req.scopes ?? []))];
      const key = scopeKey(req.scopes ?? []);
      if (token) this.#forget(key, token);
      this.#log.debug(`${this.#host}: 401 on ${req.method}, authenticating again`);
      const retry = await this.#authorize({ ...req, scopes });
      // A token for more scopes serves the narrower request too.
      if (retry.token && scopeKey(scopes) !== key) this.#tokens.set(key, retry.token);
      const again = await next(retry.request);
      if (again.status === 401 && this.#mine(again.url)) return this.#fail(again, req);
      return again;
    };
  }

  #mine(url: string): boolean {
    return this.origin !== undefined && new URL(url).origin === this.origin;
  }

  #hasPassword(): boolean {
    return this.#credentials?.username !== undefined && this.#credentials.password !== undefined;
  }

  async #authorize(req: HttpRequest): Promise<{ request: HttpRequest; token?: Token }> {
    const c = this.#credentials;
    const scheme = this.#scheme;
    if (c?.registryToken) return { request: withAuthorization(req, `Bearer ${c.registryToken}`) };
    if (!scheme) return { request: req };
    if (scheme.kind === 'basic') {
      if (!this.#hasPassword()) return { request: req };
      const basic = Buffer.from(`${c!.username}:${c!.password}`).toString('base64');
      return { request: withAuthorization(req, `Basic ${basic}`) };
    }
    const token = await this.#token(req.scopes ?? []);
    return { request: withAuthorization(req, `Bearer ${token.value}`), token };
  }

  async #token(scopes: string[]): Promise<Token> {
    const key = scopeKey(scopes);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetchToken([...new Set(scopes)].sort()).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const token = await pending;
    this.#tokens.set(key, token);
    return token;
  }

  #forget(key: string, used: Token): void {
    if (this.#tokens.get(key) === used) this.#tokens.delete(key);
  }

  async #fetchToken(scopes: string[]): Promise<Token> {
    const scheme = this.#scheme as Extract<Scheme, { kind: 'bearer' }>;
    const c = this.#credentials;
    let res: HttpResponse | undefined;
    let method = 'GET';
    const url = new URL(scheme.realm);
    if (c?.identityToken) {
      // OAuth2 refresh-token grant (what `docker login` stores as identitytoken).
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.identityToken, client_id: 'nix-docker' });
      if (scheme.service) form.set('service', scheme.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      method = 'POST';
      res = await this.#inner({
        method,
        url: url.href,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        buffer: TOKEN_BODY_CAP,
      });
      if (res.status === 404 || res.status === 405) res = undefined; // no OAuth endpoint: fall back to GET
    }
    if (!res) {
      method = 'GET';
      if (scheme.service) url.searchParams.set('service', scheme.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (this.#hasPassword()) headers.authorization = `Basic ${Buffer.from(`${c!.username}:${c!.password}`).toString('base64')}`;
      res = await this.#inner({ method, url: url.href, headers, buffer: TOKEN_BODY_CAP });
    }
    if (res.status !== 200) {
      const who = c?.identityToken ? 'the stored identity token' : c?.username ? `user "${c.username}"` : 'anonymous access';
      throw new RegistryError({
        status: res.status,
        method,
        url: url.href,
        errors: parseErrorBody(res.data),
        message: `token request for ${this.#host} refused for ${who}${scopes.length ? ` (scope ${scopes.join(' ')})` : ''}`,
      });
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.data!.toString('utf8'));
    } catch {
      throw new RegistryError({ status: res.status, method, url: url.href, message: 'token response is not JSON' });
    }
    const value = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof value !== 'string' || !value) {
      throw new RegistryError({ status: res.status, method, url: url.href, message: 'token response has no token' });
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    this.tokensFetched++;
    this.#log.debug(`${this.#host}: token for ${scopes.join(' ') || '(no scope)'}, valid ${expiresIn}s`);
    // Refresh a little early: a quarter of the lifetime, at most 10 s.
    return { value, expiresAt: Date.now() + expiresIn * 1000 - Math.min(10_000, expiresIn * 250) };
  }

  #fail(res: HttpResponse, req: HttpRequest): never {
    const c = this.#credentials;
    const bearer = parseChallenges(res.headers['www-authenticate']).find((ch) => ch.scheme === 'bearer');
    const who = c?.username ? `"${c.username}"` : c?.identityToken || c?.registryToken ? 'the stored token' : 'anonymous access';
    const hint =
      bearer?.params.error === 'insufficient_scope' && (c?.username || c?.identityToken || c?.registryToken)
        ? `${who} is not granted ${bearer.params.scope ?? (req.scopes ?? []).join(' ')} on ${this.#host}`
        : c?.username
          ? `authentication as "${c.username}" failed; check the credentials for ${this.#host}`
          : c?.identityToken || c?.registryToken
            ? `authentication with the stored token failed for ${this.#host}`
            : `${this.#host} requires authentication and no credentials were found for it`;
    throw new RegistryError({ status: res.status, method: req.method, url: req.url, errors: parseErrorBody(res.data), message: hint });
  }
}

/** Whether `scope` (`type:name:actions`) is implied by one of `held`. */
function covered(scope: string, held: string[]): boolean {
  const split = (s: string): [string, string[]] => {
    const last = s.lastIndexOf(':');
    return [s.slice(0, last), s.slice(last + 1).split(',')];
  };
  const [resource, actions] = split(scope);
  return held.some((h) => {
    const [r, a] = split(h);
    return r === resource && actions.every((x) => a.includes(x) || a.includes('*'));
  });
}

function scopeKey(scopes: string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}

function withAuthorization(req: HttpRequest, value: string): HttpRequest {
  return { ...req, headers: { ...req.headers, authorization: value } };
}
