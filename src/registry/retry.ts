// The retry policy and its two users. Each request is retried by exactly one layer:
// the transport's retry wrapper for requests that can be replayed alone (no body, or a
// body held in memory), and `retrying()` for an operation whose requests only make sense
// together (an upload session: POST, PATCH…, PUT), whose requests go out with
// `retry: false`. Nothing is retried by both, so attempts never multiply.

import type { Logger } from '../util/log.ts';
import { isNetworkFlake, RegistryError } from './errors.ts';

export interface RetryPolicy {
  /** Total tries, the first included. Default 5. */
  attempts: number;
  /** First backoff; doubles each try (with ±20 % jitter) up to `maxDelayMs`. Default 500 ms. */
  baseDelayMs: number;
  /** Default 10 s. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is returned. Default 60 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

export function retryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY, ...partial };
  if (!Number.isInteger(p.attempts) || p.attempts < 1) throw new Error(`retry attempts must be an integer ≥ 1, got ${p.attempts}`);
  for (const k of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (!(p[k] >= 0)) throw new Error(`retry ${k} must be ≥ 0, got ${p[k]}`);
  }
  return p;
}

/** Retryable: a temporary `RegistryError`, or a dropped/refused/timed-out connection. */
export function isRetryableError(err: unknown): boolean {
  return err instanceof RegistryError ? err.temporary() : isNetworkFlake(err);
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Delay before try `attempt + 1` (attempt counts from 1); `undefined` means give up. */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describe(err: unknown): string {
  if (err instanceof RegistryError) return err.message;
  const e = err as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(' ') || String(err);
}

/** Runs `fn` until it succeeds, throws something not retryable, or the policy runs out. */
export async function retrying<T>(
  policy: RetryPolicy,
  what: string,
  log: Logger,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryableError(err)) throw err;
      const delay = backoffDelay(policy, attempt, err instanceof RegistryError ? err.retryAfterMs : undefined);
      if (delay === undefined) throw err;
      log.warn(`${what}: ${describe(err)} - attempt ${attempt} of ${policy.attempts}, retrying in ${(delay / 1000).toFixed(1)}s`);
      await sleep(delay);
    }
  }
}
