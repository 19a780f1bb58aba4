// The one place that starts Nix processes: no shell, stdout collected as data, stderr
// streamed line by line to the caller (build logs) and its tail kept for the error.

import { spawn } from 'node:child_process';
import { NixCommandError, NixNotFoundError } from './errors.ts';

export interface RunOptions {
  /** Written to the child's stdin (which is closed at once when absent). */
  input?: string;
  /** Variables added to (or, when undefined, removed from) the inherited environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Receives each stderr line (progress, build logs). */
  onStderrLine?: (line: string) => void;
}

const TAIL_LINES = 25;
const TAIL_CHARS = 4000;

/** Runs `command args...` and resolves with its stdout; rejects with NixNotFoundError or NixCommandError. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const display = [command, ...args].map(quoteForDisplay).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: mergeEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const tail: string[] = [];
    let partial = '';
    const takeLine = (line: string): void => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      opts.onStderrLine?.(line);
    };
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) takeLine(l);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new NixNotFoundError(command) : err);
    });
    child.on('close', (code, signal) => {
      if (partial) takeLine(partial);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      let text = tail.join('\n').trim();
      if (text.length > TAIL_CHARS) text = `…${text.slice(-TAIL_CHARS)}`;
      reject(new NixCommandError(display, code, signal, text));
    });
    // EPIPE when the child exits early shows up as its exit status instead.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Non-empty lines of a command's stdout. */
export function lines(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function mergeEnv(extra: RunOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./#^-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
