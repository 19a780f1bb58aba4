// Child processes of the customisation layer: the user's scripts (streamed to
// the log line by line, failing with their exit code and last stderr lines)
// and small probes whose output we parse.

import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Logger } from '../util/log.ts';
import { CustomisationError, ScriptError } from './errors.ts';

/** How many trailing stderr lines a ScriptError carries. */
const STDERR_TAIL = 20;

export interface ScriptRun {
  /** Names the script in errors and logs ("extraCommands"). */
  label: string;
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** Runs a user script to completion; rejects with ScriptError unless it exits 0. */
export function runScript(run: ScriptRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = run.argv;
    const child = spawn(cmd!, args, { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const lines = (onLine: (l: string) => void) => {
      let rest = '';
      return {
        push(chunk: Buffer) {
          const parts = (rest + chunk.toString('utf8')).split('\n');
          rest = parts.pop()!;
          for (const p of parts) onLine(p);
        },
        end() {
          if (rest !== '') onLine(rest);
          rest = '';
        },
      };
    };
    const out = lines((l) => run.log.info(`${run.label}: ${l}`));
    const err = lines((l) => {
      run.log.info(`${run.label}: ${l}`);
      tail.push(l);
      if (tail.length > STDERR_TAIL) tail.shift();
    });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new CustomisationError(`${run.label}: cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      if (code === 0) resolve();
      else reject(new ScriptError(run.label, code, signal, tail));
    });
  });
}

/** Runs a helper and returns its stdout; rejects with its stderr when it fails. */
export function capture(argv: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd!, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new CustomisationError(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else {
        const msg = Buffer.concat(err).toString('utf8').trim();
        reject(new CustomisationError(`${argv.join(' ')} failed (exit ${code})${msg ? `: ${msg}` : ''}`));
      }
    });
  });
}

/** The absolute path of `name` on `PATH`, or null. */
export async function which(name: string, path: string | undefined): Promise<string | null> {
  if (name.includes('/')) return name;
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export async function requireTool(name: string, path: string | undefined, why: string): Promise<string> {
  const found = await which(name, path);
  if (found === null) throw new CustomisationError(`${why} needs \`${name}\` on PATH`);
  return found;
}
