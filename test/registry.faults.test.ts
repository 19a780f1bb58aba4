// A fault-injecting proxy between the client and a real token-auth registry: dropped
// connections (before, during and after the registry did the work), 5xx, 429 with
// Retry-After and a 401 as if the token had expired. The push must end with the digest
// a clean push gets, and each request must be retried by one layer only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RegistryClient, type RegistryClientOptions } from '../src/registry/client.ts';
import { RegistryError } from '../src/registry/errors.ts';
import { pushImage } from '../src/registry/push.ts';
import { parseReference } from '../src/registry/reference.ts';
import { makeTestImage, noise, skopeoInspect, startFaultProxy, startRegistry, TEST_USER, type Fault, type ProxiedRequest, type TestRegistry } from './helpers/registry.ts';

let reg: TestRegistry;
const clients: RegistryClient[] = [];
before(async () => (reg = await startRegistry({ mode: 'token' })));
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await reg?.stop();
});

const warnings: string[] = [];
function client(host: string, opts: RegistryClientOptions = {}): RegistryClient {
  const log = { info: () => {}, debug: () => {}, warn: (m: string) => warnings.push(m), group: <T>(_t: string, fn: () => Promise<T>) => fn() };
  const c = new RegistryClient(host, { tlsVerify: false, credentials: TEST_USER, retry: { baseDelayMs: 20, attempts: 4 }, log, ...opts });
  clients.push(c);
  return c;
}

function kindOf(r: ProxiedRequest): string {
  if (r.path === '/v2/') return 'ping';
  if (r.method === 'HEAD' && r.path.includes('/blobs/')) return 'head';
  if (r.method === 'POST') return 'post';
  if (r.method === 'PUT' && r.path.includes('/blobs/uploads/')) return 'put-blob';
  if (r.method === 'PUT' && r.path.includes('/manifests/')) return 'put-manifest';
  return 'other';
}

const image = await makeTestImage({ layers: [{ a: noise(300 * 1024, 7) }, { b: noise(200 * 1024, 8) }, { c: 'small\n' }] });

test('resets, 500s, 429 with Retry-After and an expired token: same digest as a clean push', async () => {
  const clean = await pushImage(client(reg.host), parseReference(`${reg.host}/faults/clean:1`), { config: image.config, layers: image.sources() });

  const challenge = `Bearer realm="${reg.issuer!.realm}",service="${reg.issuer!.service}",scope="repository:faults/app:pull,push",error="invalid_token"`;
  const counts = new Map<string, number>();
  const plan: Record<string, Record<number, Fault>> = {
    ping: { 1: { kind: 'reset' } },
    head: {
      1: { kind: 'reset' },
      2: { kind: 'status', status: 500 },
      3: { kind: 'status', status: 401, headers: { 'www-authenticate': challenge }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]}' },
    },
    post: { 1: { kind: 'status', status: 503 } },
    'put-blob': { 1: { kind: 'reset-mid-body', afterBytes: 1000 }, 2: { kind: 'reset-after' }, 3: { kind: 'status', status: 502 } },
    'put-manifest': { 1: { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' } },
  };
  const proxy = await startFaultProxy(reg.port, (r) => {
    const kind = kindOf(r);
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    return plan[kind]?.[n];
  });
  try {
    const c = client(proxy.host);
    const started = Date.now();
    const res = await pushImage(c, parseReference(`${proxy.host}/faults/app:1`), { config: image.config, layers: image.sources() }, { jobs: 2 });
    assert.equal(res.digest, clean.digest);
    assert.equal((await skopeoInspect(`${reg.host}/faults/app:1`, { creds: TEST_USER })).Digest, clean.digest);

    // Every planned fault happened.
    const injected = proxy.requests.filter((r) => r.fault).map((r) => `${kindOf(r)}:${r.fault}${r.status && r.fault === 'status' ? r.status : ''}`);
    assert.deepEqual(injected.sort(), [
      'head:reset',
      'head:status401',
      'head:status500',
      'ping:reset',
      'post:status503',
      'put-blob:reset-after',
      'put-blob:reset-mid-body',
      'put-blob:status502',
      'put-manifest:status429',
    ]);
    // Retry-After was honoured, the token fetched again after the 401.
    assert.ok(Date.now() - started >= 1000);
    assert.ok(c.auth.tokensFetched >= 2);
    assert.ok(warnings.some((w) => /429 - attempt 1 of 4, retrying in 1\.0s/.test(w)), warnings.join('\n'));
  } finally {
    await proxy.stop();
  }
});

test('a fault that does not go away: a RegistryError after the attempts, not more requests', async () => {
  const counts = new Map<string, number>();
  const proxy = await startFaultProxy(reg.port, (r) => {
    const kind = kindOf(r);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (kind === 'post') return { kind: 'status', status: 500, body: '{"errors":[{"code":"INTERNAL","message":"disk on fire"}]}' };
    return undefined;
  });
  try {
    const err = await pushImage(client(proxy.host), parseReference(`${proxy.host}/faults/broken:1`), { config: image.config, layers: image.sources() }, { jobs: 1 }).then(
      () => assert.fail('pushed through a registry that always fails'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RegistryError, String(err));
    assert.equal(err.status, 500);
    assert.equal(err.method, 'POST');
    assert.deepEqual(err.errors, [{ code: 'INTERNAL', message: 'disk on fire' }]);
    assert.match(err.message, /POST http:\/\/127\.0\.0\.1:\d+\/v2\/faults\/broken\/blobs\/uploads\/: 500 Internal Server Error \(INTERNAL: disk on fire\)/);
    // The upload session is retried as a whole, 4 attempts; the transport adds none.
    assert.equal(counts.get('post'), 4);
  } finally {
    await proxy.stop();
  }
});

test('429 with a Retry-After beyond the limit is not waited for', async () => {
  const proxy = await startFaultProxy(reg.port, (r) =>
    kindOf(r) === 'head' ? { kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"come back in an hour"}]}' } : undefined,
  );
  try {
    const started = Date.now();
    await assert.rejects(
      pushImage(client(proxy.host), parseReference(`${proxy.host}/faults/later:1`), { config: image.config, layers: image.sources() }),
      (e: RegistryError) => e.status === 429 && e.retryAfterMs === 3_600_000 && / 429 Too Many Requests$/.test(e.message),
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(proxy.requests.filter((r) => kindOf(r) === 'head').length >= 1, true);
  } finally {
    await proxy.stop();
  }
});
