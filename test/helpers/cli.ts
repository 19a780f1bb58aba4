// Runs the nix-docker CLI as a user would: a separate process, real stdout/stderr/exit code.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The CLI the tests run: the source under Node's type stripping, or, with
 * NIX_DOCKER_TEST_BUNDLE=1, the bundle that ships (dist/cli), which starts in a third of
 * the time. `.ci/run` sets it once `npm run check` has found dist/ to match the source.
 */
export const CLI = path.join(REPO, process.env.NIX_DOCKER_TEST_BUNDLE === '1' ? 'dist/cli/index.js' : 'src/cli/index.ts');

export interface CliRun {
  status: number;
  stdout: Buffer;
  stderr: string;
  json<T = Record<string, any>>(): T;
}

export function nixDocker(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: Buffer } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO, env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.stdin.end(opts.stdin);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({
        status: code ?? 1,
        stdout,
        stderr: err,
        json: () => JSON.parse(stdout.toString()),
      });
    });
  });
}

/** Asserts success, with the CLI's stderr in the failure message. */
export async function nixDockerOk(args: string[], opts?: Parameters<typeof nixDocker>[1]): Promise<CliRun> {
  const r = await nixDocker(args, opts);
  if (r.status !== 0) throw new Error(`nix-docker ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r;
}
