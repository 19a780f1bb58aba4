// Authentication and transport security against real registries: htpasswd Basic, Bearer
// tokens from the test issuer (including one that expires mid-push), TLS with a test CA.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient, openRegistry, type RegistryClientOptions } from '../src/registry/client.ts';
import { RegistryError } from '../src/registry/errors.ts';
import { blobExists, startUpload, uploadMonolithic } from '../src/registry/blobs.ts';
import { pushImage } from '../src/registry/push.ts';
import { parseReference } from '../src/registry/reference.ts';
import { makeTestCa, makeTestImage, noise, skopeoInspect, skopeoRaw, startRegistry, TEST_IDENTITY_TOKEN, TEST_USER, type TestRegistry } from './helpers/registry.ts';

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const clients: RegistryClient[] = [];
function client(host: string, opts: RegistryClientOptions = {}): RegistryClient {
  const c = new RegistryClient(host, { tlsVerify: false, retry: { baseDelayMs: 10 }, ...opts });
  clients.push(c);
  return c;
}
after(() => Promise.all(clients.map((c) => c.close())));

const image = await makeTestImage({ layers: [{ 'bin/app': 'app\n' }, { 'etc/conf': 'conf\n' }] });
const push = (c: RegistryClient, ref: string, opts = {}) =>
  pushImage(c, parseReference(ref), { config: image.config, layers: image.sources() }, opts);

describe('htpasswd Basic', () => {
  let reg: TestRegistry;
  before(async () => (reg = await startRegistry({ mode: 'basic' })));
  after(() => reg?.stop());

  test('pushes with the right password', async () => {
    const res = await push(client(reg.host, { credentials: TEST_USER }), `${reg.host}/basic/app:1`);
    assert.equal((await skopeoInspect(`${reg.host}/basic/app:1`, { creds: TEST_USER })).Digest, res.digest);
  });

  test('a wrong password is a clear error that does not contain it', async () => {
    const password = 'wrong-Pa55word-xyz';
    const err = await push(client(reg.host, { credentials: { username: 'alice', password } }), `${reg.host}/basic/app:2`).then(
      () => assert.fail('pushed with a wrong password'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RegistryError, String(err));
    assert.equal(err.status, 401);
    assert.match(err.message, /authentication as "alice" failed; check the credentials for 127\.0\.0\.1:\d+/);
    assert.ok(!err.message.includes(password) && !JSON.stringify(err).includes(password));
    assert.ok(!err.message.includes(Buffer.from(`alice:${password}`).toString('base64')));
  });

  test('no credentials: says the registry needs some', async () => {
    await assert.rejects(push(client(reg.host), `${reg.host}/basic/app:3`), (e: RegistryError) => {
      assert.equal(e.status, 401);
      assert.match(e.message, /requires authentication and no credentials were found/);
      return true;
    });
  });

  test('credentials from a Docker config file (auths) and from a credential helper', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nix-docker-dockercfg-'));
    try {
      const auth = Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString('base64');
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${reg.host}`]: { auth } } }));
      const c = await openRegistry(reg.host, { env: { DOCKER_CONFIG: dir }, tlsVerify: false });
      clients.push(c);
      const res = await push(c, `${reg.host}/basic/cfg:1`);
      assert.equal(sha256(await skopeoRaw(`${reg.host}/basic/cfg:1`, { creds: TEST_USER })), res.digest);

      const helper = path.join(dir, 'config-helper');
      await mkdir(helper);
      await writeFile(path.join(helper, 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'fake' }, auths: {} }));
      const env = {
        DOCKER_CONFIG: helper,
        PATH: `${path.resolve('test/fixtures/registry')}:/usr/bin:/bin`,
        FAKE_HELPER_SERVER: reg.host,
        FAKE_HELPER_USER: TEST_USER.username,
        FAKE_HELPER_SECRET: TEST_USER.password,
      };
      const h = await openRegistry(reg.host, { env, tlsVerify: false });
      clients.push(h);
      assert.equal((await push(h, `${reg.host}/basic/helper:1`)).digest, res.digest);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Bearer tokens', () => {
  let reg: TestRegistry;
  before(async () => (reg = await startRegistry({ mode: 'token' })));
  after(() => reg?.stop());

  test('pushes with a token fetched with Basic credentials from the realm', async () => {
    const c = client(reg.host, { credentials: TEST_USER });
    const res = await push(c, `${reg.host}/token/app:1`);
    assert.ok(reg.issuer!.issued() >= 1);
    assert.ok(reg.issuer!.requests.some((r) => r.user === 'alice' && r.scopes.includes('repository:token/app:pull,push')));
    assert.equal((await skopeoInspect(`${reg.host}/token/app:1`, { creds: TEST_USER })).Digest, res.digest);
    // One token serves the whole push (cached per scope).
    assert.equal(c.auth.tokensFetched, 1);
  });

  test('an identity token (OAuth2 refresh token) is exchanged by POST', async () => {
    const c = client(reg.host, { credentials: { identityToken: TEST_IDENTITY_TOKEN } });
    const res = await push(c, `${reg.host}/token/oauth:1`);
    assert.ok(reg.issuer!.requests.some((r) => r.method === 'POST' && r.granted && r.scopes.includes('repository:token/oauth:pull,push')));
    assert.equal((await skopeoInspect(`${reg.host}/token/oauth:1`, { creds: TEST_USER })).Digest, res.digest);

    await assert.rejects(push(client(reg.host, { credentials: { identityToken: 'revoked' } }), `${reg.host}/token/oauth:2`), (e: RegistryError) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /refused for the stored identity token.*INVALID_GRANT: unknown refresh token/);
      assert.ok(!e.message.includes('revoked'));
      return true;
    });
  });

  test('a token without push access: says what was not granted', async () => {
    await assert.rejects(push(client(reg.host, { credentials: TEST_USER }), `${reg.host}/readonly/app:1`), (e: RegistryError) => {
      assert.equal(e.status, 401);
      // (distribution lists the actions in either order)
      assert.match(e.message, /"alice" is not granted repository:readonly\/app:(pull,push|push,pull) on 127\.0\.0\.1:\d+/);
      return true;
    });
  });

  test('a refused token request is a clear error without the password', async () => {
    const password = 'not-the-Pa55word';
    await assert.rejects(push(client(reg.host, { credentials: { username: 'alice', password } }), `${reg.host}/token/app:2`), (e: RegistryError) => {
      assert.equal(e.status, 401);
      assert.match(e.message, /token request for 127\.0\.0\.1:\d+ refused for user "alice"/);
      assert.ok(!e.message.includes(password));
      return true;
    });
  });
});

describe('a token that expires mid-push', () => {
  let reg: TestRegistry;
  // The registry accepts each token for ~2 s while the issuer claims 300 s, so the
  // client's cached token goes stale during a push that takes longer.
  before(async () => (reg = await startRegistry({ mode: 'token', token: { lifetimeSeconds: 2, advertisedSeconds: 300 } })));
  after(() => reg?.stop());

  test('is refreshed on the 401, also when the 401 answers a streamed PUT', async () => {
    // A client that opens an upload session now and comes back after its token expired.
    const stale = client(reg.host, { credentials: TEST_USER });
    const location = await startUpload(stale, 'expiry/direct');

    // Three layers of one 64 KiB piece each, 0.7 s apart: the manifest goes out after
    // every token the registry accepts has expired.
    const slow = await makeTestImage({ layers: [{ a: noise(60 * 1024, 1) }, { b: noise(60 * 1024, 2) }, { c: noise(60 * 1024, 3) }], compression: 'none' });
    const c = client(reg.host, { credentials: TEST_USER });
    const res = await pushImage(c, parseReference(`${reg.host}/expiry/app:1`), { config: slow.config, layers: slow.sources({ delayMs: 700 }) }, { jobs: 1 });
    assert.ok(c.auth.tokensFetched >= 2, `tokens fetched: ${c.auth.tokensFetched}`);
    assert.equal(res.uploaded, 4);
    assert.equal((await skopeoInspect(`${reg.host}/expiry/app:1`, { creds: TEST_USER })).Digest, res.digest);

    // The registry answers the PUT with 401 while its body streams: a new token, and
    // the body opened again for the same session.
    const layer = slow.layers[0]!;
    const [source] = slow.sources();
    let opens = 0;
    await uploadMonolithic(stale, 'expiry/direct', location, {
      ...source!,
      digest: layer.digest,
      size: layer.bytes.length,
      open: () => (opens++, source!.open()),
    });
    assert.equal(opens, 2);
    assert.equal(stale.auth.tokensFetched, 2);
    assert.equal(await blobExists(stale, 'expiry/direct', layer.digest), layer.bytes.length);
  });
});

describe('TLS', () => {
  let reg: TestRegistry;
  let dir: string;
  before(async () => {
    reg = await startRegistry({ mode: 'tls' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'nix-docker-tls-'));
  });
  after(async () => {
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('verified with the test CA', async () => {
    const res = await push(client(reg.host, { tlsVerify: true, ca: reg.ca! }), `${reg.host}/tls/app:1`);
    await writeFile(path.join(dir, 'ca.crt'), reg.ca!);
    assert.equal((await skopeoInspect(`${reg.host}/tls/app:1`, { certDir: dir })).Digest, res.digest);
  });

  test('an unknown or wrong CA fails, unless tlsVerify is off', async () => {
    await assert.rejects(push(client(reg.host, { tlsVerify: true }), `${reg.host}/tls/app:2`), /TLS verification failed/);
    const other = await makeTestCa(dir, 'other');
    const { readFile } = await import('node:fs/promises');
    await assert.rejects(
      push(client(reg.host, { tlsVerify: true, ca: await readFile(other.caFile, 'utf8') }), `${reg.host}/tls/app:2`),
      (e: RegistryError) => e.status === 0 && /TLS verification failed/.test(e.message),
    );
    const res = await push(client(reg.host, { tlsVerify: false }), `${reg.host}/tls/app:2`);
    assert.equal((await skopeoInspect(`${reg.host}/tls/app:2`)).Digest, res.digest);
  });

  test('a plain-HTTP registry needs tlsVerify off', async () => {
    const plain = await startRegistry({ mode: 'http' });
    try {
      await assert.rejects(push(client(plain.host, { tlsVerify: true }), `${plain.host}/plain/app:1`), /plain HTTP; that needs tlsVerify off/);
      await push(client(plain.host, { tlsVerify: false }), `${plain.host}/plain/app:1`);
    } finally {
      await plain.stop();
    }
  });
});
