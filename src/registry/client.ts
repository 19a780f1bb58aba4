// One client per registry host: the transport chain (assembled here, and only here),
// the scheme found by pinging `/v2/`, the auth state, and which repositories are known to
// hold which blobs (so a later push to another repository mounts instead of uploading).
// The push and pull steps (blobs.ts, manifests.ts, push.ts, multiarch.ts) are functions
// over this client.

import type { Agent } from 'undici';
import type { Logger } from '../util/log.ts';
import { silentLogger } from '../util/log.ts';
import { Authenticator, parseChallenges } from './auth.ts';
import { resolveCredentials, type Credentials, type Env } from './credentials.ts';
import { errorCode, networkError, RegistryError } from './errors.ts';
import { registryApiHost } from './reference.ts';
import { retryPolicy, type RetryPolicy } from './retry.ts';
import {
  createAgent,
  responseError,
  undiciSend,
  withRedirects,
  withRetry,
  withUserAgent,
  type HttpRequest,
  type HttpResponse,
  type Send,
} from './transport.ts';

export interface RegistryClientOptions {
  /** Already resolved (see `resolveCredentials`); undefined = anonymous. */
  credentials?: Credentials;
  /** Verify TLS certificates (default true). `false` also lets the registry speak plain HTTP. */
  tlsVerify?: boolean;
  /** Extra CA certificates (PEM) to trust besides Node's bundled roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Default `nix-docker-action`. */
  userAgent?: string;
  /** Defaults in retry.ts (5 attempts, 500 ms doubling to 10 s, Retry-After up to 60 s). */
  retry?: Partial<RetryPolicy>;
  /** Connections per origin (default 8). */
  connections?: number;
  log?: Logger;
}

const TLS_FAILURES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME/;
const TLS_PROTOCOL = /^ERR_SSL_|^EPROTO$/;

export class RegistryClient {
  /** The registry as references name it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** Where its API is served (`registry-1.docker.io` for Docker Hub). */
  readonly host: string;
  readonly retry: RetryPolicy;
  readonly log: Logger;
  readonly auth: Authenticator;
  /** digest → repositories of this registry that hold it: mount sources for later pushes. */
  readonly knownBlobs = new Map<string, Set<string>>();
  readonly #tlsVerify: boolean;
  readonly #agent: Agent;
  readonly #inner: Send;
  readonly #send: Send;
  #base: Promise<string> | undefined;

  constructor(registry: string, opts: RegistryClientOptions = {}) {
    this.registry = registry;
    this.host = registryApiHost(registry);
    this.retry = retryPolicy(opts.retry);
    this.log = opts.log ?? silentLogger;
    this.#tlsVerify = opts.tlsVerify ?? true;
    this.#agent = createAgent({
      tlsVerify: this.#tlsVerify,
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      ...(opts.connections === undefined ? {} : { connections: opts.connections }),
    });
    // The transport, outermost first:
    //   1. auth        credentials for the registry's own origin; bearer token per scope,
    //                  refreshed and the request sent once more on a 401
    //   2. user agent
    //   3. retry       408/429/5xx and dropped connections; Retry-After; capped backoff;
    //                  skipped for requests whose caller retries (upload sessions)
    //   4. redirects   followed here; Authorization dropped when the origin changes
    //   5. undici      one Agent: TLS verification, extra CAs, connection pool
    // The token realm is fetched through 2–5.
    this.#inner = withUserAgent(opts.userAgent ?? 'nix-docker-action')(
      withRetry(this.retry, this.log)(withRedirects({ allowInsecure: !this.#tlsVerify })(undiciSend(this.#agent))),
    );
    this.auth = new Authenticator(registry, opts.credentials, this.#inner, this.log);
    this.#send = this.auth.wrap()(this.#inner);
  }

  /** `https://host` (or `http://host` when TLS is off and the registry speaks plain HTTP). */
  baseUrl(): Promise<string> {
    this.#base ??= this.#ping();
    this.#base.catch(() => (this.#base = undefined));
    return this.#base;
  }

  /** `<base>/v2/<repository>/<path>` */
  async url(repository: string, path: string): Promise<string> {
    return `${await this.baseUrl()}/v2/${repository}/${path}`;
  }

  /** Sends through the whole chain; a failure below HTTP becomes a `RegistryError` (status 0). */
  async send(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.#send(req);
    } catch (err) {
      throw networkError(err, req.method, req.url);
    }
  }

  rememberBlob(digest: string, repository: string): void {
    let repos = this.knownBlobs.get(digest);
    if (!repos) this.knownBlobs.set(digest, (repos = new Set()));
    repos.add(repository);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /**
   * GET /v2/: finds the scheme (https first; http only when TLS verification is off and
   * https fails) and the auth challenge, before any request with a body goes out.
   */
  async #ping(): Promise<string> {
    const schemes = this.#tlsVerify ? ['https'] : ['https', 'http'];
    let failure: RegistryError | undefined;
    for (const scheme of schemes) {
      const url = `${scheme}://${this.host}/v2/`;
      let res: HttpResponse;
      try {
        res = await this.#inner({ method: 'GET', url, buffer: 64 * 1024 });
      } catch (err) {
        const code = errorCode(err) ?? '';
        const hint = TLS_FAILURES.test(code)
          ? `TLS verification failed; trust the registry's CA (a PEM file named by NODE_EXTRA_CA_CERTS) or turn TLS verification off (--tls-verify false, tls-verify: false)`
          : TLS_PROTOCOL.test(code) && this.#tlsVerify
            ? 'the registry may speak plain HTTP; that needs tlsVerify off'
            : undefined;
        failure = hint ? new RegistryError({ status: 0, method: 'GET', url, message: `${code}: ${hint}`, cause: err }) : networkError(err, 'GET', url);
        continue;
      }
      if (res.status === 200 || res.status === 401) {
        if (res.status === 401) this.auth.learn(parseChallenges(res.headers['www-authenticate']));
        const base = `${scheme}://${this.host}`;
        this.auth.origin = new URL(base).origin;
        this.log.debug(`${this.registry}: ${base} (${res.status === 401 ? 'authentication required' : 'anonymous'})`);
        return base;
      }
      throw responseError(res, 'GET', url, res.status === 404 ? `${this.host} does not serve the registry API (/v2/)` : undefined);
    }
    throw failure!;
  }
}

/** Resolves credentials (explicit, else the Docker config) and opens a client. */
export async function openRegistry(
  registry: string,
  opts: RegistryClientOptions & { auth?: { username: string; password: string }; env?: Env } = {},
): Promise<RegistryClient> {
  const { auth, env, ...rest } = opts;
  const credentials = rest.credentials ?? (await resolveCredentials(registry, auth, env ?? {}, rest.log));
  return new RegistryClient(registry, { ...rest, ...(credentials ? { credentials } : {}) });
}
