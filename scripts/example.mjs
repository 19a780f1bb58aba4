// The README's first command: build example/hello.nix's image with nix-docker, load it
// into Docker and run it. Starts a Docker engine for the run when none answers.
import { execFileSync, spawnSync } from 'node:child_process';
import { OFFLINE_NIX_ENV, ensureDocker } from './services.mjs';

const docker = await ensureDocker();
const env = { ...process.env, ...OFFLINE_NIX_ENV, ...docker.env };
try {
  const hello = execFileSync('nix-build', ['--no-out-link', 'example/hello.nix'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env }).trim();
  const build = spawnSync(
    process.execPath,
    ['src/cli/index.ts', 'buildLayeredImage', '--name', 'hello', '--tag', 'latest', '--contents', hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', '/tmp/hello.tar.gz', '--load'],
    { stdio: 'inherit', env },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
  const run = spawnSync('docker', ['run', '--rm', '--network', 'none', 'hello:latest'], { stdio: 'inherit', env });
  process.exitCode = run.status ?? 1;
} finally {
  await docker.stop();
}
