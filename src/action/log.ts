// The engine's Logger on the runner: info/debug lines, warnings as annotations, phases as
// core.group sections. The runner shows no nested groups, so a phase inside a phase is a
// plain line. Each top-level phase is timed (for the job summary), and a phase that
// names a byte counter reports progress (bytes and bytes/s) every `progressMs` while it
// runs, and once at its end.

import * as core from '@actions/core';
import { formatBytes, type Logger } from '../util/log.ts';

export { formatBytes };

export interface Phase {
  title: string;
  ms: number;
}

/** Bytes done so far in a phase, or undefined when not known (yet). */
export type ByteCounter = () => number | undefined;

export class ActionLog implements Logger {
  readonly phases: Phase[] = [];
  /** The innermost phase an error came out of (its title), for naming the input at fault. */
  failedPhase: string | undefined;
  private depth = 0;
  private readonly counters: [RegExp, (m: RegExpExecArray) => ByteCounter][] = [];
  private readonly progressMs: number;

  constructor(opts: { progressMs?: number } = {}) {
    this.progressMs = opts.progressMs ?? 10_000;
  }

  info(message: string): void {
    core.info(message);
  }
  warn(message: string): void {
    core.warning(message);
  }
  debug(message: string): void {
    core.debug(message);
  }

  /** Phases whose title matches `re` report the bytes `counter` gives. */
  countBytes(re: RegExp, counter: (m: RegExpExecArray) => ByteCounter): void {
    this.counters.push([re, counter]);
  }

  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    if (this.depth > 0) {
      core.info(`── ${title}`);
      return fn().catch((err: unknown) => {
        this.failedPhase ??= title;
        throw err;
      });
    }
    this.depth++;
    const start = performance.now();
    try {
      return await core.group(title, () => this.withProgress(title, start, fn));
    } catch (err) {
      this.failedPhase ??= title;
      throw err;
    } finally {
      this.depth--;
      this.phases.push({ title, ms: performance.now() - start });
    }
  }

  private async withProgress<T>(title: string, start: number, fn: () => Promise<T>): Promise<T> {
    const match = this.counters.map(([re, c]) => [re.exec(title), c] as const).find(([m]) => m);
    if (!match) return fn();
    const bytes = match[1](match[0]!);
    const report = (prefix: string) => {
      const n = bytes();
      if (n !== undefined) core.info(`${prefix}${formatBytes(n)} in ${formatSeconds(performance.now() - start)} (${formatRate(n, performance.now() - start)})`);
    };
    const timer = setInterval(() => report('… '), this.progressMs);
    timer.unref();
    try {
      const result = await fn();
      report('done: ');
      return result;
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs a phase of the action itself (same grouping and timing as the engine's). */
  phase<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return this.group(title, fn);
  }
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatRate(bytes: number, ms: number): string {
  return `${formatBytes(Math.round(bytes / Math.max(ms / 1000, 0.001)))}/s`;
}
