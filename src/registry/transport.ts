// HTTP as the registry client sees it: a request/response pair and a `Send` function,
// plus the wrappers that each add one concern around a `Send` (user agent, retry,
// redirects). Auth is a wrapper too (auth.ts). They are chained in one place,
// `RegistryClient`'s constructor. Bodies are either bytes or a factory that opens a
// fresh stream, so any wrapper that has to send a request again can.

import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from '../util/log.ts';
import { ERROR_BODY_CAP, isRetryableStatus, networkError, RegistryError, parseErrorBody, redactUrl } from './errors.ts';
import { backoffDelay, isRetryableError, parseRetryAfter, sleep, type RetryPolicy } from './retry.ts';

export interface HttpRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers?: Record<string, string>;
  /** Bytes, or a function opening the body afresh (called once per send). */
  body?: Uint8Array | (() => AsyncIterable<Uint8Array>);
  /** Authorization scopes the request needs (`repository:name:pull,push`). */
  scopes?: string[];
  /**
   * `false` when the caller owns retrying (the requests of an upload session, which must
   * restart together). Default: the transport retries.
   */
  retry?: boolean;
  /** Read a successful body into `data` (at most this many bytes) inside the retried part. */
  buffer?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Where the response came from, after redirects. */
  url: string;
  /** The body, when it was buffered: always for errors (capped), on request for success. */
  data: Buffer | undefined;
  /** The unread body otherwise. */
  body: AsyncIterable<Uint8Array>;
  header(name: string): string | undefined;
  /** Discards an unread body so the connection can be reused. */
  dump(): Promise<void>;
}

export type Send = (req: HttpRequest) => Promise<HttpResponse>;
export type Wrapper = (next: Send) => Send;

const EMPTY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

function makeResponse(
  status: number,
  headers: HttpResponse['headers'],
  url: string,
  data: Buffer | undefined,
  body: Dispatcher.ResponseData['body'] | undefined,
): HttpResponse {
  return {
    status,
    headers,
    url,
    data,
    body: body ?? EMPTY,
    header(name) {
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    async dump() {
      await body?.dump().catch(() => {});
    },
  };
}

async function readCapped(body: Dispatcher.ResponseData['body'], cap: number, strict: boolean): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    if (size + b.length > cap) {
      if (strict) {
        body.destroy();
        throw new Error(`response body larger than ${cap} bytes`);
      }
      parts.push(b.subarray(0, cap - size));
      size = cap;
      await body.dump().catch(() => {});
      break;
    }
    parts.push(b);
    size += b.length;
  }
  return Buffer.concat(parts, size);
}

/** The innermost `Send`: one HTTP exchange through undici; errors bodies are read (capped). */
export function undiciSend(dispatcher: Dispatcher): Send {
  return async (req) => {
    const body = typeof req.body === 'function' ? req.body() : req.body;
    const res = await request(req.url, {
      dispatcher,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers ?? {},
      body: body as Dispatcher.DispatchOptions['body'],
    });
    const ok = res.statusCode < 300;
    if (req.method === 'HEAD') return makeResponse(res.statusCode, res.headers, req.url, Buffer.alloc(0), res.body);
    if (ok && req.buffer === undefined) return makeResponse(res.statusCode, res.headers, req.url, undefined, res.body);
    const data = await readCapped(res.body, ok ? req.buffer! : ERROR_BODY_CAP, ok);
    return makeResponse(res.statusCode, res.headers, req.url, data, undefined);
  };
}

export function createAgent(opts: { tlsVerify: boolean; ca?: string | Buffer | Array<string | Buffer>; connections?: number }): Agent {
  return new Agent({
    connections: opts.connections ?? 8,
    keepAliveTimeout: 10_000,
    connect: {
      rejectUnauthorized: opts.tlsVerify,
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    },
  });
}

export function withUserAgent(userAgent: string): Wrapper {
  return (next) => (req) => next({ ...req, headers: { 'user-agent': userAgent, ...req.headers } });
}

/**
 * Retries a request on 408/429/5xx and dropped connections, waiting `Retry-After` when
 * given and a capped exponential backoff otherwise. Requests marked `retry: false` pass
 * through: their caller retries the whole exchange they belong to.
 */
export function withRetry(policy: RetryPolicy, log: Logger): Wrapper {
  return (next) => async (req) => {
    if (req.retry === false) return next(req);
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let delay: number | undefined;
      try {
        const res = await next(req);
        if (!isRetryableStatus(res.status)) return res;
        delay = backoffDelay(policy, attempt, parseRetryAfter(res.header('retry-after')));
        if (delay === undefined) return res;
        await res.dump();
        reason = `${res.status}`;
      } catch (err) {
        if (!isRetryableError(err)) throw err;
        delay = backoffDelay(policy, attempt);
        if (delay === undefined) throw networkError(err, req.method, req.url);
        reason = networkError(err, req.method, req.url).message.replace(/^.*?: /, '');
      }
      log.warn(`${req.method} ${redactUrl(req.url)}: ${reason} - attempt ${attempt} of ${policy.attempts}, retrying in ${(delay / 1000).toFixed(1)}s`);
      await sleep(delay);
    }
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Follows redirects (registries send blob downloads to storage hosts). Authorization is
 * dropped as soon as the origin changes, and https never goes down to http unless
 * `allowInsecure`.
 */
export function withRedirects(opts: { maxRedirects?: number; allowInsecure: boolean }): Wrapper {
  const max = opts.maxRedirects ?? 10;
  return (next) => async (req) => {
    let current = req;
    for (let hop = 0; ; hop++) {
      const res = await next(current);
      const location = res.header('location');
      if (!REDIRECTS.has(res.status) || !location) return res;
      await res.dump();
      if (hop >= max) throw new RegistryError({ status: res.status, method: req.method, url: req.url, message: `more than ${max} redirects` });
      const from = new URL(current.url);
      const to = new URL(location, from);
      if (to.protocol !== 'https:' && to.protocol !== 'http:') {
        throw new RegistryError({ status: res.status, method: req.method, url: req.url, message: `redirect to unsupported scheme ${to.protocol}` });
      }
      if (from.protocol === 'https:' && to.protocol === 'http:' && !opts.allowInsecure) {
        throw new RegistryError({ status: res.status, method: req.method, url: req.url, message: 'refusing a redirect from https to http' });
      }
      const headers = { ...current.headers };
      if (to.origin !== from.origin) delete headers.authorization;
      const toGet = res.status === 303 || ((res.status === 301 || res.status === 302) && current.method === 'POST');
      current = toGet
        ? { ...current, url: to.href, headers, method: 'GET', body: undefined }
        : { ...current, url: to.href, headers };
      if (toGet) delete current.headers!['content-type'];
      if (toGet) delete current.headers!['content-length'];
    }
  };
}

/** Makes a `RegistryError` from a response that is not what the caller expected. */
export function responseError(res: HttpResponse, method: string, url: string, message?: string): RegistryError {
  return new RegistryError({
    status: res.status,
    method,
    url,
    errors: parseErrorBody(res.data),
    ...(message === undefined ? {} : { message }),
    ...(retryAfter(res) === undefined ? {} : { retryAfterMs: retryAfter(res)! }),
  });
}

function retryAfter(res: HttpResponse): number | undefined {
  return res.status === 429 || res.status === 503 ? parseRetryAfter(res.header('retry-after')) : undefined;
}

/** Fails with a `RegistryError` unless the status is one of `expected`. */
export async function expectStatus(res: HttpResponse, req: HttpRequest, ...expected: number[]): Promise<HttpResponse> {
  if (expected.includes(res.status)) return res;
  await res.dump();
  throw responseError(res, req.method, req.url);
}
