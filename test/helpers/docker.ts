// The real Docker engine that scripts/test.mjs started (or the one DOCKER_HOST names).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 << 20 });
  return stdout;
}

/** `docker run --rm --network none IMAGE ARGS...` → its stdout. */
export async function dockerRun(image: string, ...args: string[]): Promise<string> {
  return docker('run', '--rm', '--network', 'none', image, ...args);
}

export async function removeImage(ref: string): Promise<void> {
  await run('docker', ['image', 'rm', '-f', ref]).catch(() => {});
}

export async function skopeoInspect(transport: string): Promise<Record<string, any>> {
  const { stdout } = await run('skopeo', ['inspect', transport], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}
