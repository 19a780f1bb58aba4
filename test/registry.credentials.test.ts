// Where credentials come from: explicit ones, the Docker config's auths, credHelpers and
// credsStore through docker-credential-* programs (a fake one in test/fixtures/registry).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CredentialsError, dockerConfigPath, resolveCredentials } from '../src/registry/credentials.ts';

let dir: string;
before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'nix-docker-creds-'))));
after(() => rm(dir, { recursive: true, force: true }));

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const FAKE_PATH = `${path.resolve('test/fixtures/registry')}:/usr/bin:/bin`;

async function withConfig(config: unknown): Promise<Record<string, string>> {
  const d = await mkdtemp(path.join(dir, 'cfg-'));
  await writeFile(path.join(d, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: d, PATH: FAKE_PATH };
}

test('the config file: DOCKER_CONFIG, else ~/.docker', () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/x' }), '/x/config.json');
  assert.equal(dockerConfigPath({ HOME: '/home/u' }), '/home/u/.docker/config.json');
});

test('explicit credentials win; no config file means anonymous', async () => {
  const env = await withConfig({ auths: { 'ghcr.io': { auth: b64('file:pw') } } });
  assert.deepEqual(await resolveCredentials('ghcr.io', { username: 'given', password: 'pw' }, env), { username: 'given', password: 'pw' });
  assert.equal(await resolveCredentials('ghcr.io', undefined, { DOCKER_CONFIG: path.join(dir, 'none') }), undefined);
});

test('auths: base64 auth, username/password, identity token, keys with scheme and path', async () => {
  const env = await withConfig({
    auths: {
      'ghcr.io': { auth: b64('octo:ghp_secret:with:colons') },
      'https://quay.io/v2/': { username: 'q', password: 'qp' },
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpw') },
      'registry.example.com': { identitytoken: 'refresh-me' },
      'empty.example.com': {},
    },
  });
  assert.deepEqual(await resolveCredentials('ghcr.io', undefined, env), { username: 'octo', password: 'ghp_secret:with:colons' });
  assert.deepEqual(await resolveCredentials('quay.io', undefined, env), { username: 'q', password: 'qp' });
  assert.deepEqual(await resolveCredentials('docker.io', undefined, env), { username: 'hubuser', password: 'hubpw' });
  assert.deepEqual(await resolveCredentials('registry.example.com', undefined, env), { identityToken: 'refresh-me' });
  assert.equal(await resolveCredentials('empty.example.com', undefined, env), undefined);
  assert.equal(await resolveCredentials('other.example.com', undefined, env), undefined);
});

test('credHelpers and credsStore run docker-credential-<name> get', async () => {
  const helperEnv = { FAKE_HELPER_SERVER: 'ghcr.io', FAKE_HELPER_USER: 'octo', FAKE_HELPER_SECRET: 'from-helper' };
  const env = { ...(await withConfig({ credHelpers: { 'ghcr.io': 'fake' }, auths: { 'quay.io': { auth: b64('q:qp') } } })), ...helperEnv };
  assert.deepEqual(await resolveCredentials('ghcr.io', undefined, env), { username: 'octo', password: 'from-helper' });
  assert.deepEqual(await resolveCredentials('quay.io', undefined, env), { username: 'q', password: 'qp' });

  // credsStore for everything; "<token>" means an identity token; Docker Hub is asked by its v1 URL.
  const store = { ...(await withConfig({ credsStore: 'fake', auths: { 'https://index.docker.io/v1/': {} } })), FAKE_HELPER_SERVER: 'https://index.docker.io/v1/', FAKE_HELPER_USER: '<token>', FAKE_HELPER_SECRET: 'idt' };
  assert.deepEqual(await resolveCredentials('docker.io', undefined, store), { identityToken: 'idt' });
  // Not found by the helper: anonymous.
  assert.equal(await resolveCredentials('ghcr.io', undefined, store), undefined);
});

test('a missing helper or a broken config is a clear error', async () => {
  const env = await withConfig({ credHelpers: { 'ghcr.io': 'nonexistent' } });
  await assert.rejects(resolveCredentials('ghcr.io', undefined, env), (e: unknown) => e instanceof CredentialsError && /docker-credential-nonexistent is not on PATH/.test(e.message));
  const d = await mkdtemp(path.join(dir, 'broken-'));
  await writeFile(path.join(d, 'config.json'), '{ not json');
  await assert.rejects(resolveCredentials('ghcr.io', undefined, { DOCKER_CONFIG: d }), /cannot read the Docker config/);
  const bad = await withConfig({ auths: { 'ghcr.io': { auth: b64('no-colon') } } });
  await assert.rejects(resolveCredentials('ghcr.io', undefined, bad), /not base64 "user:password"/);
});
