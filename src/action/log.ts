// The engine's Logger on the runner: info/debug lines, warnings as annotations, phases as
// core.group sections. A group opens with its first line: a phase that logs nothing is
// one plain line, not an empty group to click open. The runner shows no nested groups,
// so a phase inside a phase is a plain line. Each top-level phase is timed (for the job
// summary), and a phase that names a byte counter reports progress (bytes and bytes/s)
// every `progressMs` while it runs, and once at its end.

import * as core from '@actions/core';
import { formatBytes, type Logger } from '../util/log.ts';
import { asInputMessage } from './run.ts';

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
  /** The top-level phase whose group is not open yet (nothing logged in it so far). */
  private pending: string | undefined;
  private readonly counters: [RegExp, (m: RegExpExecArray) => ByteCounter][] = [];
  private readonly progressMs: number;

  constructor(opts: { progressMs?: number } = {}) {
    this.progressMs = opts.progressMs ?? 10_000;
  }

  info(message: string): void {
    this.open();
    core.info(message);
  }
  warn(message: string): void {
    this.open();
    core.warning(asInputMessage(message));
  }

  private open(): void {
    if (this.pending === undefined) return;
    core.startGroup(this.pending);
    this.pending = undefined;
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
      this.info(`── ${title}`);
      return fn().catch((err: unknown) => {
        this.failedPhase ??= title;
        throw err;
      });
    }
    this.depth++;
    const start = performance.now();
    this.pending = title;
    try {
      return await this.withProgress(title, start, fn);
    } catch (err) {
      this.failedPhase ??= title;
      throw err;
    } finally {
      this.depth--;
      this.phases.push({ title, ms: performance.now() - start });
      if (this.pending === undefined) core.endGroup();
      else core.info(title);
      this.pending = undefined;
    }
  }

  private async withProgress<T>(title: string, start: number, fn: () => Promise<T>): Promise<T> {
    const match = this.counters.map(([re, c]) => [re.exec(title), c] as const).find(([m]) => m);
    if (!match) return fn();
    const bytes = match[1](match[0]!);
    const report = (prefix: string) => {
      const n = bytes();
      if (n !== undefined) this.info(`${prefix}${formatBytes(n)} in ${formatSeconds(performance.now() - start)} (${formatRate(n, performance.now() - start)})`);
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

  /**
   * Runs a phase of the action itself (same grouping and timing as the engine's). Its
   * group opens at once: the clients it calls (artifact, cache) log through @actions/core
   * themselves, and their lines belong inside it.
   */
  async phase<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return this.group(title, async () => {
      if (this.depth === 1) this.open();
      return fn();
    });
  }
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatRate(bytes: number, ms: number): string {
  return `${formatBytes(Math.round(bytes / Math.max(ms / 1000, 0.001)))}/s`;
}
