// Where credentials for a registry come from, in docker's order: the ones given
// explicitly (action inputs, CLI flags), else the Docker config file that `docker login`
// and docker/login-action write (`$DOCKER_CONFIG/config.json`, default
// `~/.docker/config.json`): a `credHelpers` entry for the host, else `credsStore`, both
// through `docker-credential-<name> get`, else the `auths` entry (`auth` = base64
// "user:password", or `username`/`password`, `identitytoken`, `registrytoken`).
// The environment is a parameter: nothing here reads process.env.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../util/log.ts';
import { silentLogger } from '../util/log.ts';
import { DOCKER_HUB } from './reference.ts';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`, or a helper's secret for user `<token>`). */
  identityToken?: string;
  /** A bearer token sent as is (`registrytoken`). */
  registryToken?: string;
}

export type Env = Record<string, string | undefined>;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

const HUB_SERVER = 'https://index.docker.io/v1/';
const HELPER_TIMEOUT_MS = 60_000;
const HUB_NAMES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io', HUB_SERVER]);

export function dockerConfigPath(env: Env): string {
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  return path.join(env.HOME || homedir(), '.docker', 'config.json');
}

/** `https://host:port/v1/` → `host:port`, as docker compares `auths` keys. */
export function configKeyHost(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0]!;
}

/** The hostnames a config may file `registry` under (Docker Hub has several). */
function hostNames(registry: string): string[] {
  return HUB_NAMES.has(registry) ? ['index.docker.io', DOCKER_HUB, 'registry-1.docker.io'] : [registry];
}

/**
 * Credentials for `registry` (a host[:port] as in a reference: `docker.io`, `ghcr.io`,
 * `127.0.0.1:5000`), or undefined for anonymous access.
 */
export async function resolveCredentials(
  registry: string,
  explicit: { username: string; password: string } | undefined,
  env: Env,
  log: Logger = silentLogger,
): Promise<Credentials | undefined> {
  if (explicit?.username && explicit.password) {
    log.debug(`credentials for ${registry}: given`);
    return { username: explicit.username, password: explicit.password };
  }
  const file = dockerConfigPath(env);
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as DockerConfig;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(`cannot read the Docker config ${file}: ${(err as Error).message}`);
  }
  const names = hostNames(registry);
  const server = HUB_NAMES.has(registry) ? HUB_SERVER : registry;

  const helper = names.map((n) => config.credHelpers?.[n]).find(Boolean) ?? config.credsStore;
  if (helper) {
    const found = await runCredentialHelper(helper, server, env);
    if (found) {
      log.debug(`credentials for ${registry}: docker-credential-${helper}`);
      return found;
    }
  }
  const entry = findAuthEntry(config.auths ?? {}, registry);
  if (!entry) return undefined;
  const creds = fromAuthEntry(entry, file, registry);
  if (creds) log.debug(`credentials for ${registry}: ${file}`);
  return creds;
}

function findAuthEntry(auths: Record<string, AuthEntry>, registry: string): AuthEntry | undefined {
  if (HUB_NAMES.has(registry) && auths[HUB_SERVER]) return auths[HUB_SERVER];
  if (auths[registry]) return auths[registry];
  const names = new Set(hostNames(registry));
  const key = Object.keys(auths).find((k) => names.has(configKeyHost(k)));
  return key === undefined ? undefined : auths[key];
}

function fromAuthEntry(entry: AuthEntry, file: string, registry: string): Credentials | undefined {
  const creds: Credentials = {};
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new CredentialsError(`${file}: the "auth" entry for ${registry} is not base64 "user:password"`);
    creds.username = decoded.slice(0, colon);
    creds.password = decoded.slice(colon + 1);
  } else if (entry.username && entry.password) {
    creds.username = entry.username;
    creds.password = entry.password;
  }
  if (entry.identitytoken) creds.identityToken = entry.identitytoken;
  if (entry.registrytoken) creds.registryToken = entry.registrytoken;
  return Object.keys(creds).length ? creds : undefined;
}

/**
 * `docker-credential-<helper> get` with the server on stdin; undefined when the helper
 * has nothing for it. Its stdout holds a secret: only its exit status and the first line
 * of stderr ever reach an error message.
 */
export async function runCredentialHelper(helper: string, server: string, env: Env): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(program, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS).unref();
    child.on('close', () => clearTimeout(timer));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new CredentialsError(e.code === 'ENOENT' ? `${program} is not on PATH (named by the Docker config)` : `${program}: ${e.message}`)),
    );
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    child.stdin.on('error', () => {});
    child.stdin.end(server);
  });
  if (code !== 0) {
    const said = `${stdout.trim()} ${stderr.trim()}`;
    if (/credentials not found|not found in native keychain|no credentials/i.test(said)) return undefined;
    const line = stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
    throw new CredentialsError(`${program} get ${server} exited with ${code}${line ? `: ${line}` : ''}`);
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CredentialsError(`${program} get ${server}: output is not JSON`);
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (!secret) return undefined;
  return username === '<token>' ? { identityToken: secret } : { username, password: secret };
}
