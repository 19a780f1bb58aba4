// Runs qemu to the end: streams the serial console (the script's output to
// the log as info, the rest as debug), picks out the init's status lines,
// and kills qemu when the time is up. Resolves only once qemu has exited.

import { spawn } from 'node:child_process';
import type { Logger } from '../util/log.ts';
import { MARK } from './initScript.ts';

/** How many trailing lines an error carries. */
export const TAIL = 20;

export interface ConsoleReport {
  /** The last step the init announced. */
  phase: string;
  shell?: string;
  scriptStarted: boolean;
  scriptEnd?: { code: number; full: boolean };
  error?: { phase: string; full: boolean; message: string };
  done: boolean;
  /** The script's last output lines. */
  scriptTail: string[];
  /** The last console lines outside the script (kernel, init). */
  consoleTail: string[];
  /** qemu's own stderr, last lines (warnings filtered). */
  stderrTail: string[];
  timedOut: boolean;
  exitCode: number | null;
  signal: string | null;
  seconds: number;
}

export interface QemuRun {
  qemu: string;
  args: string[];
  nonce: string;
  timeoutMs: number;
  log: Logger;
}

/** Longest line kept in a tail, and longest unterminated output taken as one line. */
const MAX_LINE = 1000;
const MAX_PENDING = 64 * 1024;

function pushTail(tail: string[], line: string): void {
  tail.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line);
  if (tail.length > TAIL) tail.shift();
}

/** Splits a byte stream into lines (a partial last line is kept until more comes or the end). */
function lineSplitter(onLine: (line: string) => void): { push(c: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      if (rest.length > MAX_PENDING) {
        parts.push(rest);
        rest = '';
      }
      for (const p of parts) onLine(p.replace(/\r$/, ''));
    },
    end() {
      if (rest !== '') onLine(rest.replace(/\r$/, ''));
      rest = '';
    },
  };
}

export function runQemu(run: QemuRun): Promise<ConsoleReport> {
  const started = Date.now();
  const report: ConsoleReport = {
    phase: 'boot',
    scriptStarted: false,
    done: false,
    scriptTail: [],
    consoleTail: [],
    stderrTail: [],
    timedOut: false,
    exitCode: null,
    signal: null,
    seconds: 0,
  };
  const prefix = `${MARK}:${run.nonce}:`;
  let inScript = false;

  const onEvent = (text: string): void => {
    const [event, ...args] = text.split(' ');
    switch (event) {
      case 'phase':
        report.phase = args[0] ?? report.phase;
        run.log.debug(`runAsRoot VM: ${report.phase}${args[1] ? ` (uptime ${args[1]} s)` : ''}`);
        break;
      case 'shell':
        report.shell = args.join(' ');
        run.log.debug(`runAsRoot VM: the script runs with ${report.shell}`);
        break;
      case 'script-begin':
        inScript = true;
        report.scriptStarted = true;
        break;
      case 'script-end':
        inScript = false;
        report.scriptEnd = { code: Number(args[0]), full: args[1] === '1' };
        break;
      case 'error':
        report.error = { phase: args[0] ?? '?', full: args[1] === '1', message: args.slice(2).join(' ') };
        break;
      case 'done':
        report.done = true;
        break;
    }
  };
  const onLine = (line: string): void => {
    const at = line.indexOf(prefix);
    if (at !== -1) {
      const before = line.slice(0, at);
      if (before.trim() !== '') onText(before);
      onEvent(line.slice(at + prefix.length).trim());
      return;
    }
    onText(line);
  };
  const onText = (line: string): void => {
    if (inScript) {
      run.log.info(`runAsRoot: ${line}`);
      pushTail(report.scriptTail, line);
    } else {
      run.log.debug(`runAsRoot VM: ${line}`);
      if (line.trim() !== '') pushTail(report.consoleTail, line);
    }
  };

  return new Promise((resolve, reject) => {
    const child = spawn(run.qemu, run.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lineSplitter(onLine);
    const err = lineSplitter((l) => {
      run.log.debug(`qemu: ${l}`);
      if (l.trim() !== '' && !/warning: host doesn't support requested feature/.test(l)) pushTail(report.stderrTail, l);
    });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      report.timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${run.qemu}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      out.end();
      err.end();
      report.exitCode = code;
      report.signal = signal;
      report.seconds = (Date.now() - started) / 1000;
      resolve(report);
    });
  });
}
