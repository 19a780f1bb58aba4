// The @actions/cache client, one directory per entry, with the one retry layer of the
// Actions backend. The client does not retry a 429 (it warns and gives up) and reports
// failures only as `undefined` / -1, so each call runs under withClientOutput, whose
// signals tell a rate limit (wait for its reset, or back off) from a key that exists
// (not an error: entries are immutable and shared) from a full quota (stop saving).

import * as actionsCache from '@actions/cache';
import path from 'node:path';
import type { Logger } from '../../util/log.ts';
import type { Tracker } from '../tracker.ts';
import { inCacheRoot } from './clientDirectory.ts';
import { withClientOutput, type ClientSignals } from './clientOutput.ts';

/**
 * An entry's directory: `name` under `root`. Only the name is part of the entry's
 * version, so entries do not depend on where the root is (see clientDirectory.ts).
 */
export interface EntryDir {
  root: string;
  name: string;
}

/** The three calls used from @actions/cache; injectable for tests of the logic around them. */
export interface ActionsCacheClient {
  isFeatureAvailable(): boolean;
  restoreCache(dir: EntryDir, primaryKey: string, restoreKeys?: string[], options?: { lookupOnly?: boolean }): Promise<string | undefined>;
  saveCache(dir: EntryDir, key: string): Promise<number>;
}

export const realClient: ActionsCacheClient = {
  isFeatureAvailable: () => actionsCache.isFeatureAvailable(),
  restoreCache: (dir, key, restoreKeys, options) => inCacheRoot(dir.root, () => actionsCache.restoreCache([dir.name], key, restoreKeys, options)),
  saveCache: (dir, key) => inCacheRoot(dir.root, () => actionsCache.saveCache([dir.name], key)),
};

/** Entry directories are direct children of the cache root (layout.ts). */
const entryDir = (dir: string): EntryDir => ({ root: path.dirname(dir), name: path.basename(dir) });

export interface RetryOptions {
  /** Tries per call, the first included (default 5). */
  attempts?: number;
  /** First backoff when the service gave no reset time; doubles each time (default 2 s). */
  baseDelayMs?: number;
  /** Longest wait; a rate limit that resets later than this ends the call (default 60 s). */
  maxDelayMs?: number;
}

export type RestoreOutcome = { status: 'hit'; key: string } | { status: 'none' } | { status: 'failed'; reason: string };
export type SaveOutcome =
  | { status: 'saved' }
  | { status: 'exists' }
  | { status: 'reserved' }
  /** `final`: no other save will succeed either (quota full, writes denied). */
  | { status: 'failed'; reason: string; final: boolean };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ServiceCalls {
  private readonly client: ActionsCacheClient;
  private readonly log: Logger;
  private readonly tracker: Tracker;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly runnerCommands: boolean;

  constructor(client: ActionsCacheClient, log: Logger, tracker: Tracker, retry: RetryOptions = {}, runnerCommands = true) {
    this.client = client;
    this.runnerCommands = runnerCommands;
    this.log = log;
    this.tracker = tracker;
    this.attempts = Math.max(1, retry.attempts ?? 5);
    this.baseDelayMs = retry.baseDelayMs ?? 2000;
    this.maxDelayMs = retry.maxDelayMs ?? 60_000;
  }

  /** How long to wait before try `attempt + 1`, or undefined to stop. */
  private delay(attempt: number, s: ClientSignals): number | undefined {
    if (attempt + 1 >= this.attempts) return undefined;
    if (s.retryAfterSeconds !== undefined) {
      const ms = s.retryAfterSeconds * 1000;
      return ms <= this.maxDelayMs ? ms : undefined;
    }
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
  }

  private async wait(operation: string, attempt: number, ms: number, reason: 'rate-limited' | 'failed'): Promise<void> {
    this.log.info(`${operation} - ${reason}, attempt ${attempt + 1} of ${this.attempts}; retrying in ${ms} ms`);
    this.tracker.emit({ type: 'retry', operation, attempt: attempt + 1, delayMs: ms, reason });
    await sleep(ms);
  }

  /** Restores the newest entry matching `key` (then `restoreKeys`) into `dir`. */
  async restore(dir: string, key: string, restoreKeys: string[] = [], lookupOnly = false): Promise<RestoreOutcome> {
    const operation = `${lookupOnly ? 'look up' : 'restore'} ${key}`;
    for (let attempt = 0; ; attempt++) {
      const { value, error, signals } = await withClientOutput(this.log, () => this.client.restoreCache(entryDir(dir), key, restoreKeys, { lookupOnly }), this.runnerCommands);
      if (error) return { status: 'failed', reason: (error as Error).message ?? String(error) };
      if (value) return { status: 'hit', key: value };
      if (signals.rateLimited) {
        const ms = this.delay(attempt, signals);
        if (ms === undefined) return { status: 'failed', reason: `rate limited${signals.retryAfterSeconds ? ` for ${signals.retryAfterSeconds} s` : ''}` };
        await this.wait(operation, attempt, ms, 'rate-limited');
        continue;
      }
      return signals.lastWarning ? { status: 'failed', reason: signals.lastWarning } : { status: 'none' };
    }
  }

  /** True when an entry with exactly this key (and this directory's version) exists. */
  async exists(dir: string, key: string): Promise<boolean> {
    const found = await this.restore(dir, key, [], true);
    return found.status === 'hit' && found.key === key;
  }

  /**
   * Saves `dir` as entry `key`, unless it exists (looked up first when `lookupFirst`:
   * the client tars and compresses before it asks the service, so a duplicate costs
   * that much work before the service refuses it).
   */
  async save(dir: string, key: string, lookupFirst = true): Promise<SaveOutcome> {
    for (let attempt = 0; ; attempt++) {
      if ((lookupFirst || attempt > 0) && (await this.exists(dir, key))) return { status: 'exists' };
      const { value, error, signals } = await withClientOutput(this.log, () => this.client.saveCache(entryDir(dir), key), this.runnerCommands);
      if (error) return { status: 'failed', reason: (error as Error).message ?? String(error), final: false };
      if (typeof value === 'number' && value !== -1) return { status: 'saved' };
      if (signals.denied) return { status: 'failed', reason: signals.lastWarning ?? 'cache writes are not permitted for this run', final: true };
      if (signals.quota) return { status: 'failed', reason: 'the repository cache storage quota is full', final: true };
      if (signals.rateLimited) {
        const ms = this.delay(attempt, signals);
        if (ms === undefined) return { status: 'failed', reason: `rate limited${signals.retryAfterSeconds ? ` for ${signals.retryAfterSeconds} s` : ''}`, final: false };
        await this.wait(`save ${key}`, attempt, ms, 'rate-limited');
        continue;
      }
      if (signals.conflict) return (await this.exists(dir, key)) ? { status: 'exists' } : { status: 'reserved' };
      const reason = signals.lastWarning ?? 'the cache client did not save the entry';
      const ms = /Validation Error/.test(reason) ? undefined : this.delay(attempt, signals);
      if (ms === undefined) return { status: 'failed', reason, final: false };
      await this.wait(`save ${key}`, attempt, ms, 'failed');
    }
  }

  isAvailable(): boolean {
    return this.client.isFeatureAvailable();
  }
}
