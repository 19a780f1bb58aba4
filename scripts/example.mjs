// The README's example command (bash scripts/example.sh): build example/hello.nix's image with nix-docker, load it
// into Docker and run it. Starts a Docker engine for the run when none answers.
//
// Two halves for .ci/run's fresh-root check, which builds inside a new Debian root (no
// Docker there) and runs the image outside:
//   example.mjs --build-only FILE   builds the archive to FILE, touches no Docker
//   example.mjs --run-archive FILE  loads FILE into Docker and runs it
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { OFFLINE_NIX_ENV, ensureDocker } from './services.mjs';

const { values: opts } = parseArgs({ options: { 'build-only': { type: 'string' }, 'run-archive': { type: 'string' } } });
const IMAGE = 'hello:latest';

function build(env, out, load) {
  const nix = spawnSync('nix-build', ['--no-out-link', 'example/hello.nix'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env });
  if (nix.status !== 0) {
    console.error(`example: nix-build example/hello.nix failed${nix.error ? `: ${nix.error.message}` : ''}`);
    process.exit(1);
  }
  const hello = nix.stdout.trim();
  const args = ['dist/cli/index.js', 'buildLayeredImage', '--name', 'hello', '--tag', 'latest', '--contents', hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', out];
  const r = spawnSync(process.execPath, load ? [...args, '--load'] : args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function dockerOk(env, args, what) {
  const r = spawnSync('docker', args, { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`${what} failed (docker ${args.join(' ')})`);
}

if (opts['build-only']) {
  build({ ...process.env, ...OFFLINE_NIX_ENV }, opts['build-only'], false);
} else {
  const docker = await ensureDocker();
  const env = { ...process.env, ...OFFLINE_NIX_ENV, ...docker.env };
  try {
    if (opts['run-archive']) dockerOk(env, ['load', '-i', opts['run-archive']], 'loading the archive');
    else build(env, '/tmp/hello.tar.gz', true);
    dockerOk(env, ['run', '--rm', '--network', 'none', IMAGE], 'running the image');
  } catch (err) {
    console.error(`example: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await docker.stop();
  }
}
