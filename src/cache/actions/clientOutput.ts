// What the @actions/cache client says while it works. The client reports through
// @actions/core, which writes workflow commands and plain lines to stdout, and it
// returns only `undefined` (restore) or -1 (save) when something fails: the reason (a
// rate limit and its reset time, a key that exists, a full quota) is in those lines.
// So the string writes to stdout made by a client call (in its async context) are read
// here, not printed; anything else written meanwhile passes untouched. Each line goes to
// our Logger (debug; the backend decides what deserves a warning) and is scanned for
// those reasons. Under a runner, other workflow commands (::add-mask:: for the signed
// URLs) still reach it; elsewhere they are dropped (masks) or logged. Buffer writes
// (data, child process output) pass through untouched. So stdout stays clean for data
// when the engine runs outside the action.

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../../util/log.ts';

export interface ClientSignals {
  /** The service answered 429. */
  rateLimited: boolean;
  /** Seconds until the rate limit resets, when the service said. */
  retryAfterSeconds?: number;
  /** CreateCacheEntry was refused: the key exists, or another job is creating it. */
  conflict: boolean;
  /** The repository's cache storage quota is full. */
  quota: boolean;
  /** The run may not write (or read) the cache (cache-mode, read-only token). */
  denied: boolean;
  /** The last warning or error the client gave. */
  lastWarning?: string;
}

interface Capture {
  log: Logger;
  signals: ClientSignals;
  /** Let workflow commands (::add-mask:: ...) through to stdout: true under a runner. */
  runnerCommands: boolean;
}

// A write belongs to a client call when it happens in that call's async context: other
// work running meanwhile (the engine logging) writes through untouched.
const context = new AsyncLocalStorage<Capture>();
let installed = 0;
let original: typeof process.stdout.write | undefined;
let inside = false;

const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

function scan(line: string, s: ClientSignals): void {
  if (/rate limit/i.test(line)) s.rateLimited = true;
  const reset = /reset in (\d+) seconds/.exec(line);
  if (reset) s.retryAfterSeconds = Number(reset[1]);
  if (/already exists|another job may be creating/i.test(line)) s.conflict = true;
  if (/insufficient usage|storage quota has been hit/i.test(line)) s.quota = true;
  if (/cache (write|read) denied|does not permit (writes|reads)/i.test(line)) s.denied = true;
}

/** Takes one line of the client's; false to let it through to stdout. */
function handle(line: string, c: Capture): boolean {
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/s.exec(line);
  const name = command?.[1];
  const other = command && name !== 'debug' && name !== 'warning' && name !== 'error' && name !== 'notice';
  if (other && c.runnerCommands) return false;
  if (other && name === 'add-mask') return true; // a secret: not for a log
  const text = command ? unescape(command[2]!) : line;
  scan(text, c.signals);
  if (name === 'warning' || name === 'error') c.signals.lastWarning = text;
  c.log.debug(`cache client: ${text}`);
  return true;
}

function install(): void {
  if (installed++ > 0) return;
  const out = process.stdout;
  const passThrough = (original = out.write) as (...a: unknown[]) => boolean;
  out.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    const c = context.getStore();
    if (!c || inside || typeof chunk !== 'string') return passThrough.call(out, chunk, ...rest);
    inside = true;
    const kept: string[] = [];
    try {
      for (const line of chunk.split(/\r?\n/)) {
        if (line !== '' && !handle(line, c)) kept.push(line);
      }
    } finally {
      inside = false;
    }
    if (kept.length) return passThrough.call(out, `${kept.join('\n')}\n`, ...rest);
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (cb) process.nextTick(cb);
    return true;
  } as typeof out.write;
}

function uninstall(): void {
  if (--installed > 0) return;
  if (original) process.stdout.write = original;
  original = undefined;
}

/** Runs a client call with its stdout read as above; returns its value (or error) and what it said. */
export async function withClientOutput<T>(
  log: Logger,
  fn: () => Promise<T>,
  runnerCommands = true,
): Promise<{ value?: T; error?: unknown; signals: ClientSignals }> {
  const capture: Capture = { log, runnerCommands, signals: { rateLimited: false, conflict: false, quota: false, denied: false } };
  install();
  try {
    return { value: await context.run(capture, fn), signals: capture.signals };
  } catch (error) {
    return { error, signals: capture.signals };
  } finally {
    uninstall();
  }
}
