// One error type for everything a registry (or the way to it) answers badly, built from
// a capped body so a misbehaving server cannot make us buffer megabytes of HTML. URLs
// are redacted before they reach a message: no userinfo, no query values except the
// few that name content (digest, mount, from, scope, service).

/** One entry of the distribution spec's `{"errors": [...]}` body. */
export interface RegistryDiagnostic {
  code: string;
  message: string;
  detail?: unknown;
}

const MAX_ERROR_BODY = 64 * 1024;
const SAFE_QUERY_KEYS = new Set(['digest', 'mount', 'from', 'scope', 'service', 'n', 'last']);

export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '<invalid url>';
  }
  u.username = '';
  u.password = '';
  for (const key of [...u.searchParams.keys()]) {
    if (!SAFE_QUERY_KEYS.has(key)) u.searchParams.set(key, 'REDACTED');
  }
  return u.toString();
}

const TEMPORARY_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE']);

/** Statuses worth another try: timeout, throttle, and server faults other than "not implemented". */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** The error's code, or the first code found along its `cause` chain. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A dropped, refused or timed-out connection: the network failed, not the request. */
export function isNetworkFlake(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

export class RegistryError extends Error {
  override name = 'RegistryError';
  /** HTTP status; 0 when no response arrived (the network failed; see `cause`). */
  readonly status: number;
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  readonly errors: RegistryDiagnostic[];
  /** From a 429/503 `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(init: {
    status: number;
    method: string;
    url: string;
    errors?: RegistryDiagnostic[];
    message?: string;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    const url = redactUrl(init.url);
    const errors = init.errors ?? [];
    const what = init.status ? `${init.status} ${statusText(init.status)}` : 'network error';
    const details = errors.map((e) => (!e.message ? e.code : e.code === 'UNKNOWN' ? e.message : `${e.code}: ${e.message}`)).join('; ');
    const text = [init.message, details].filter(Boolean).join(': ');
    super(`${init.method} ${url}: ${what}${text ? ` (${text})` : ''}`, init.cause === undefined ? {} : { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.url = url;
    this.errors = errors;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Worth retrying: a throttle, a timeout, a server fault, or a connection that failed. */
  temporary(): boolean {
    if (this.status === 0) return isNetworkFlake(this.cause);
    if (isRetryableStatus(this.status)) return true;
    return this.errors.length > 0 && this.errors.every((e) => TEMPORARY_CODES.has(e.code));
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

/** Parses a distribution-spec error body; anything else becomes one diagnostic with its first line. */
export function parseErrorBody(body: Uint8Array | undefined): RegistryDiagnostic[] {
  if (!body || body.length === 0) return [];
  const text = Buffer.from(body.subarray(0, MAX_ERROR_BODY)).toString('utf8');
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({
          code: typeof e.code === 'string' ? e.code : 'UNKNOWN',
          message: typeof e.message === 'string' ? e.message : '',
          ...(e.detail === undefined ? {} : { detail: e.detail }),
        }));
    }
    // Token servers: Docker Hub's {"details": …}, OAuth2's {"error", "error_description"}.
    const message = [parsed.details, parsed.error_description, parsed.message, parsed.error].find((v) => typeof v === 'string' && v);
    if (typeof message === 'string') {
      return [{ code: typeof parsed.error === 'string' && parsed.error !== message ? parsed.error.toUpperCase() : 'UNKNOWN', message: message.slice(0, 200) }];
    }
  } catch {
    // not JSON: fall through
  }
  const line = text.split('\n').find((l) => l.trim())?.trim() ?? '';
  return line ? [{ code: 'UNKNOWN', message: line.slice(0, 200) }] : [];
}

export const ERROR_BODY_CAP = MAX_ERROR_BODY;

/** Wraps a failure below HTTP (connection, TLS, timeout) with the request it broke. */
export function networkError(err: unknown, method: string, url: string): RegistryError {
  if (err instanceof RegistryError) return err;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new RegistryError({ status: 0, method, url, message: [code, message].filter(Boolean).join(' '), cause: err });
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    413: 'Payload Too Large',
    416: 'Range Not Satisfiable',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? '';
}
