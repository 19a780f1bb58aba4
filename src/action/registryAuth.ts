// Registry credentials for push (and pullImage), in this order:
//   1. registry-username / registry-password (for every registry of the step);
//   2. the Docker config docker/login-action wrote (credential helpers included),
//      which the registry client reads itself;
//   3. for ghcr.io with nothing in 1 or 2: the workflow's GITHUB_TOKEN (`github-token`,
//      default `${{ github.token }}`) as GITHUB_ACTOR. It goes in through a temporary
//      copy of the Docker config (DOCKER_CONFIG) so it applies to ghcr.io only, and the
//      copy is removed when the step's deliveries are done.
// The inputs' secrets are masked by main before anything runs; the derived one here too.

import * as core from '@actions/core';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { dockerConfigPath, resolveCredentials } from '../registry/credentials.ts';
import { parseReference } from '../registry/index.ts';
import type { Logger } from '../util/log.ts';
import type { ActionInputs } from './inputs.ts';

export const GHCR = 'ghcr.io';

export interface RegistryAccess {
  auth?: { username: string; password: string };
  /** The environment the registry client reads (DOCKER_CONFIG may point at the temporary copy). */
  env: NodeJS.ProcessEnv;
  /** Where the GITHUB_TOKEN was used, for the log. */
  githubTokenFor?: string;
  cleanup(): Promise<void>;
}

const nothing = async () => {};

/** The registries this step talks to: those pushed to, and pullImage's source. */
export function registriesOf(inputs: ActionInputs): string[] {
  const own = inputs.target.kind === 'build' ? inputs.target.spec.name : null;
  // push: true without tags: the image's own name (an image given built already names itself later).
  const refs = !inputs.push ? [] : inputs.tags.length ? [...inputs.tags] : own ? [own] : [];
  if (inputs.target.kind === 'pull') refs.push(inputs.target.spec.imageName);
  return [...new Set(refs.flatMap((r) => {
    try {
      return [parseReference(r).registry];
    } catch {
      return [];
    }
  }))];
}

export async function registryAccess(inputs: ActionInputs, env: NodeJS.ProcessEnv, tmpDir: string, log: Logger): Promise<RegistryAccess> {
  if (inputs.auth) return { auth: inputs.auth, env, cleanup: nothing };
  const token = inputs.githubToken;
  if (!token || !registriesOf(inputs).includes(GHCR)) return { env, cleanup: nothing };
  if (await resolveCredentials(GHCR, undefined, env, log).catch(() => undefined)) return { env, cleanup: nothing };

  const file = dockerConfigPath(env);
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // no config (or an unreadable one, which the registry client would have refused): start empty
  }
  const user = env.GITHUB_ACTOR || 'github-actions';
  const auth = Buffer.from(`${user}:${token}`).toString('base64');
  core.setSecret(auth);
  const auths = { ...((config.auths as Record<string, unknown> | undefined) ?? {}), [GHCR]: { auth } };
  const dir = await fsp.mkdtemp(path.join(tmpDir, 'nix-docker-auth-'));
  await fsp.chmod(dir, 0o700);
  await fsp.writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, auths }), { mode: 0o600 });
  log.info(`${GHCR}: using the workflow's GITHUB_TOKEN as ${user} (no credentials given or in the Docker config)`);
  return { env: { ...env, DOCKER_CONFIG: dir }, githubTokenFor: GHCR, cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
}
