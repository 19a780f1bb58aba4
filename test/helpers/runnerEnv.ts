// A GitHub-hosted runner's conditions for the end-to-end tests: the user `runner`
// (passwordless sudo, in the docker group) and a multi-user Nix 2.26 (Debian 13's), whose
// daemon runs as root over the host's /nix while the runner reaches the store only
// through its socket. test/runner-env/setup.sh makes them (as root); this starts the
// daemon and stops it. The action's bundles then run as `runner` (actionRunner's `user`).

import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './cli.ts';

const exec = promisify(execFile);
export const DAEMON_SOCKET = '/nix/var/nix/daemon-socket/socket';

export interface RunnerUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface RunnerEnv {
  user: RunnerUser;
  /** The action as the runner downloads it (`~/work/_actions/<owner>/<repo>/<ref>`: dist/, action.yml). */
  actionDir: string;
  /** The runner's own Node 24 (`~/runners/<version>/externals/node24/bin/node` on hosted runners). */
  node: string;
  /** The wrappers of the Debian 13 root's nix commands. */
  nixBin: string;
  /** `nix --version` as the runner sees it. */
  nixVersion: string;
  /** The runner's PATH: the Nix wrappers first, then the system's (no host Nix before them). */
  path: string;
  /** Runs a command as the runner (groups initialised, environment as given). */
  runAs(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export function runnerUser(): RunnerUser {
  const out = spawnSync('getent', ['passwd', 'runner'], { encoding: 'utf8' }).stdout.trim().split(':');
  if (out.length < 6) throw new Error('no user runner: test/runner-env/setup.sh makes it');
  return { name: 'runner', uid: Number(out[2]), gid: Number(out[3]), home: out[5]! };
}

/** The command line that runs `argv` as the user, with its groups (node's spawn `uid` drops them). */
export function asUser(user: RunnerUser, argv: string[]): [string, string[]] {
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...argv]];
}

/**
 * Copies the committed bundles and the test's Node where the runner keeps them, readable
 * by it whatever folder this checkout is in (CI's clone may sit below a root-only home).
 */
function installAction(user: RunnerUser): { actionDir: string; node: string } {
  const actionDir = path.join(user.home, 'work/_actions/example/nix-docker-action/v1');
  const nodeDir = path.join(user.home, 'runners/current/externals/node24/bin');
  fs.rmSync(actionDir, { recursive: true, force: true });
  fs.mkdirSync(actionDir, { recursive: true });
  fs.mkdirSync(nodeDir, { recursive: true });
  fs.cpSync(path.join(REPO, 'dist'), path.join(actionDir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'action.yml'), path.join(actionDir, 'action.yml'));
  const node = path.join(nodeDir, 'node');
  const stat = fs.statSync(process.execPath);
  const have = fs.statSync(node, { throwIfNoEntry: false });
  if (have?.size !== stat.size || have.mtimeMs !== stat.mtimeMs) {
    fs.copyFileSync(process.execPath, node);
    fs.utimesSync(node, stat.atime, stat.mtime);
  }
  fs.chmodSync(node, 0o755);
  spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, path.join(user.home, 'work'), path.join(user.home, 'runners')]);
  return { actionDir, node };
}

/** Makes the runner environment (idempotent) and returns its wrappers' directory. */
async function setupRunnerEnv(): Promise<string> {
  const setup = await exec('bash', [path.join(REPO, 'test/runner-env/setup.sh')], { maxBuffer: 1 << 20 });
  return setup.stdout.trim().split('\n').pop()!;
}

/**
 * The command that runs a tool of the Debian 13 root (docker buildx, oras, cosign, skopeo
 * 1.18) on this machine: `[debian13, 'oras', 'discover', ...]`. Needs no daemon.
 */
export async function debian13Tools(): Promise<string> {
  return path.join(await setupRunnerEnv(), 'debian13');
}

export async function startRunnerEnv(): Promise<RunnerEnv> {
  const nixBin = await setupRunnerEnv();
  const root = nixBin.replace(/\.bin$/, '');
  const user = runnerUser();
  const { actionDir, node } = installAction(user);
  const systemPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const runnerPath = `${nixBin}:${systemPath}`;
  const baseEnv = { PATH: runnerPath, HOME: user.home, USER: user.name, LOGNAME: user.name };
  const runAs = async (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [cmd, argv] = asUser(user, [command, ...args]);
    return exec(cmd, argv, { env: { ...baseEnv, ...env }, cwd: user.home, maxBuffer: 16 << 20 });
  };

  // One daemon per run: an old one (a killed run's) would keep a stale root's mounts.
  fs.rmSync(DAEMON_SOCKET, { force: true });
  const log = fs.openSync(path.join(path.dirname(root), 'nix-daemon.log'), 'a');
  const daemon = spawn(path.join(REPO, 'test/runner-env/daemon.sh'), [root], { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const stop = async () => {
    if (daemon.exitCode !== null || daemon.signalCode !== null) return;
    const closed = new Promise((resolve) => daemon.once('close', resolve));
    process.kill(-daemon.pid!, 'SIGTERM');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
    if (daemon.exitCode === null && daemon.signalCode === null) process.kill(-daemon.pid!, 'SIGKILL');
  };
  try {
    let version = '';
    for (let i = 0; ; i++) {
      try {
        // `nix store info` goes to the daemon: it answers once the socket listens.
        await runAs('nix', ['store', 'info', '--store', 'daemon']);
        version = (await runAs('nix', ['--version'])).stdout.trim();
        break;
      } catch (err) {
        if (i >= 100 || daemon.exitCode !== null) throw new Error(`nix-daemon (Debian 13 root ${root}) did not answer: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return { user, actionDir, node, nixBin, nixVersion: version, path: runnerPath, runAs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
