// Starts the real components the tests drive (a Docker engine for now) when they are not
// already running, and stops what it started. Used by scripts/test.mjs and the example.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const RUN_DIR = '/tmp/nix-docker-test';

/** These machines have no internet: without this every Nix call waits on cache.nixos.org. */
export const OFFLINE_NIX_ENV = {
  NIX_CONFIG: [process.env.NIX_CONFIG, 'substituters ='].filter(Boolean).join('\n'),
};

function dockerReady(env) {
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { env, stdio: 'ignore' }).status === 0;
}

async function waitFor(check, what, seconds) {
  for (let i = 0; i < seconds * 10; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready within ${seconds}s`);
}

/** Ensures a Docker engine answers; returns { env, stop }. */
export async function ensureDocker() {
  if (dockerReady(process.env)) return { env: {}, stop: async () => {} };
  if (process.getuid?.() !== 0) throw new Error('no Docker engine answers and we are not root to start one (set DOCKER_HOST)');
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const sock = `${RUN_DIR}/docker.sock`;
  const env = { DOCKER_HOST: `unix://${sock}` };
  const log = fs.openSync(`${RUN_DIR}/dockerd.log`, 'a');
  const child = spawn(
    'dockerd',
    [
      '--storage-driver=vfs',
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      `--host=unix://${sock}`,
      `--data-root=${RUN_DIR}/docker-data`,
      `--exec-root=${RUN_DIR}/docker-exec`,
      `--pidfile=${RUN_DIR}/dockerd.pid`,
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  child.unref();
  await waitFor(() => dockerReady({ ...process.env, ...env }), `dockerd (log: ${RUN_DIR}/dockerd.log)`, 60);
  return {
    env,
    stop: async () => {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'dockerd shutdown', 30).catch(() => child.kill('SIGKILL'));
    },
  };
}
