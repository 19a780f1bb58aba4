// The registry client's pure parts (challenges, manifests, errors, retry timing) and the
// transport's behaviour where a real registry cannot show it: redirects to another
// host, and content that does not match its digest (small fake servers on 127.0.0.1).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { parseChallenges } from '../src/registry/auth.ts';
import { fetchBlob, openBlob } from '../src/registry/blobs.ts';
import { RegistryClient } from '../src/registry/client.ts';
import { DigestMismatchError, sha256Digest } from '../src/registry/digest.ts';
import { ERROR_BODY_CAP, parseErrorBody, redactUrl, RegistryError } from '../src/registry/errors.ts';
import { buildImageManifest, buildIndex, chooseFormat, MediaType, parseManifest } from '../src/registry/manifest.ts';
import { getManifest } from '../src/registry/manifests.ts';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from '../src/registry/retry.ts';

test('WWW-Authenticate: several challenges, quoted commas, escapes', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull,push' } },
  ]);
  assert.deepEqual(parseChallenges(['Basic realm="Registry Realm"', 'Bearer realm="https://x/token", service=x']), [
    { scheme: 'basic', params: { realm: 'Registry Realm' } },
    { scheme: 'bearer', params: { realm: 'https://x/token', service: 'x' } },
  ]);
  assert.deepEqual(parseChallenges('Basic realm="a \\"quoted\\" realm", charset="UTF-8", Bearer realm=r'), [
    { scheme: 'basic', params: { realm: 'a "quoted" realm', charset: 'UTF-8' } },
    { scheme: 'bearer', params: { realm: 'r' } },
  ]);
  assert.deepEqual(parseChallenges(undefined), []);
});

const config = { digest: sha256Digest(Buffer.from('{}')), size: 2 };
const gzLayer = { mediaType: MediaType.DockerLayerGzip, digest: `sha256:${'1'.repeat(64)}`, size: 10 };
const zstdLayer = { mediaType: MediaType.OciLayerZstd, digest: `sha256:${'2'.repeat(64)}`, size: 20 };

test('manifests: schema 2 for gzip, OCI for zstd, layer types follow the format', () => {
  assert.equal(chooseFormat([gzLayer.mediaType]), 'docker');
  assert.equal(chooseFormat([gzLayer.mediaType, zstdLayer.mediaType]), 'oci');
  assert.equal(chooseFormat([gzLayer.mediaType], 'oci'), 'oci');
  assert.throws(() => chooseFormat([zstdLayer.mediaType], 'docker'), /OCI/);

  const docker = buildImageManifest('docker', config, [gzLayer, { ...gzLayer, mediaType: MediaType.OciLayer }]);
  assert.equal(docker.digest, sha256Digest(docker.bytes));
  assert.equal(docker.size, docker.bytes.length);
  const d = JSON.parse(Buffer.from(docker.bytes).toString());
  assert.deepEqual(d, {
    schemaVersion: 2,
    mediaType: MediaType.DockerManifest,
    config: { mediaType: MediaType.DockerConfig, ...config },
    layers: [gzLayer, { ...gzLayer, mediaType: MediaType.DockerLayer }],
  });
  const oci = JSON.parse(Buffer.from(buildImageManifest('oci', config, [gzLayer, zstdLayer], { 'org.opencontainers.image.source': 'x' }).bytes).toString());
  assert.equal(oci.config.mediaType, MediaType.OciConfig);
  assert.deepEqual(oci.layers.map((l: { mediaType: string }) => l.mediaType), [MediaType.OciLayerGzip, MediaType.OciLayerZstd]);
  assert.deepEqual(oci.annotations, { 'org.opencontainers.image.source': 'x' });
  // Same input, same bytes.
  assert.deepEqual(buildImageManifest('docker', config, [gzLayer]).bytes, buildImageManifest('docker', config, [gzLayer]).bytes);

  const parsed = parseManifest(docker.bytes);
  assert.equal(parsed.kind, 'image');
  const index = buildIndex('oci', [{ mediaType: MediaType.OciManifest, digest: docker.digest, size: docker.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }]);
  const pi = parseManifest(index.bytes);
  assert.ok(pi.kind === 'index' && pi.manifests[0]!.platform!.variant === 'v8');
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}')), /schemaVersion 1/);
  assert.throws(() => parseManifest(Buffer.from('nope')), /not JSON/);
});

test('errors: distribution bodies, plain bodies, capped, redacted URLs', () => {
  assert.deepEqual(parseErrorBody(Buffer.from('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown","detail":{"d":1}}]}')), [
    { code: 'BLOB_UNKNOWN', message: 'blob unknown', detail: { d: 1 } },
  ]);
  assert.deepEqual(parseErrorBody(Buffer.from('\n<html>Bad gateway</html>\n')), [{ code: 'UNKNOWN', message: '<html>Bad gateway</html>' }]);
  assert.deepEqual(parseErrorBody(undefined), []);
  assert.deepEqual(parseErrorBody(Buffer.from('{"details":"incorrect username or password"}')), [{ code: 'UNKNOWN', message: 'incorrect username or password' }]);
  assert.deepEqual(parseErrorBody(Buffer.from('{"error":"invalid_grant","error_description":"refresh token expired"}')), [
    { code: 'INVALID_GRANT', message: 'refresh token expired' },
  ]);
  assert.equal(ERROR_BODY_CAP, 64 * 1024);

  assert.equal(
    redactUrl('https://user:pw@s3.example.com/blob?X-Amz-Signature=abc&digest=sha256:1&_state=xyz'),
    'https://s3.example.com/blob?X-Amz-Signature=REDACTED&digest=sha256%3A1&_state=REDACTED',
  );
  const e = new RegistryError({ status: 503, method: 'GET', url: 'https://h/v2/?token=secret', errors: [{ code: 'UNAVAILABLE', message: 'later' }] });
  assert.equal(e.message, 'GET https://h/v2/?token=REDACTED: 503 Service Unavailable (UNAVAILABLE: later)');
  assert.ok(e.temporary());
  assert.ok(!new RegistryError({ status: 404, method: 'GET', url: 'https://h/' }).temporary());
  assert.ok(new RegistryError({ status: 400, method: 'GET', url: 'https://h/', errors: [{ code: 'TOOMANYREQUESTS', message: '' }] }).temporary());
  assert.ok(new RegistryError({ status: 0, method: 'GET', url: 'https://h/', cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }).temporary());
  assert.ok(!new RegistryError({ status: 0, method: 'GET', url: 'https://h/', cause: Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) }).temporary());
});

test('retry timing: Retry-After as seconds or a date, capped exponential backoff', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter('soon'), undefined);
  const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, attempts: 10 };
  for (let attempt = 1; attempt < 10; attempt++) {
    const d = backoffDelay(p, attempt)!;
    const nominal = Math.min(1000, 100 * 2 ** (attempt - 1));
    assert.ok(d >= nominal * 0.8 && d <= nominal * 1.2, `${attempt}: ${d}`);
  }
  assert.equal(backoffDelay(p, 10), undefined);
  assert.equal(backoffDelay(p, 1, 2500), 2500);
  assert.equal(backoffDelay(p, 1, 120_000), undefined);
});

// ---------------------------------------------------------------------------------------
// Fake servers

const servers: http.Server[] = [];
const clients: RegistryClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

test('redirects: Authorization follows within the origin, never to another host', async () => {
  const blob = Buffer.from('blob bytes');
  const digest = sha256Digest(blob);
  const seenByStorage: Array<string | undefined> = [];
  const storage = await serve((req, res) => {
    seenByStorage.push(req.headers.authorization);
    res.end(blob);
  });
  const seenByRegistry: Array<[string, string | undefined]> = [];
  const registry = await serve((req, res) => {
    seenByRegistry.push([req.url!, req.headers.authorization]);
    if (req.url === '/v2/') return void res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
    if (!req.headers.authorization) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
    if (req.url === `/v2/r/blobs/${digest}`) return void res.writeHead(307, { location: `http://${storage}/bucket/${digest}?X-Amz-Signature=s` }).end();
    if (req.url === `/v2/same/blobs/${digest}`) return void res.writeHead(302, { location: `/local/${digest}` }).end();
    if (req.url === `/local/${digest}`) return void res.end(blob);
    res.writeHead(404).end();
  });
  const c = new RegistryClient(registry, { tlsVerify: false, credentials: { username: 'u', password: 'p' } });
  clients.push(c);
  const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;

  assert.deepEqual(await fetchBlob(c, 'r', digest), blob);
  assert.deepEqual(seenByStorage, [undefined]);
  assert.deepEqual(seenByRegistry.at(-1), [`/v2/r/blobs/${digest}`, basic]);

  assert.deepEqual(await fetchBlob(c, 'same', digest), blob);
  assert.deepEqual(seenByRegistry.at(-1), [`/local/${digest}`, basic]);
});

test('content is checked against its digest: blobs and manifests', async () => {
  const manifest = buildImageManifest('docker', config, [gzLayer]);
  const host = await serve((req, res) => {
    if (req.url === '/v2/') return void res.end('{}');
    if (req.url!.startsWith('/v2/r/blobs/')) return void res.end('not what you asked for');
    if (req.url === `/v2/r/manifests/${manifest.digest}`) return void res.writeHead(200, { 'content-type': manifest.mediaType }).end(Buffer.concat([Buffer.from(manifest.bytes), Buffer.from(' ')]));
    if (req.url === '/v2/r/manifests/lying') return void res.writeHead(200, { 'docker-content-digest': `sha256:${'0'.repeat(64)}` }).end(manifest.bytes);
    if (req.url === '/v2/r/manifests/good') return void res.writeHead(200, { 'docker-content-digest': manifest.digest, 'content-type': 'text/plain' }).end(manifest.bytes);
    res.writeHead(404).end();
  });
  const c = new RegistryClient(host, { tlsVerify: false });
  clients.push(c);
  const d = `sha256:${'3'.repeat(64)}`;
  await assert.rejects(fetchBlob(c, 'r', d), DigestMismatchError);
  await assert.rejects(async () => {
    for await (const _ of await openBlob(c, 'r', d)) void _;
  }, DigestMismatchError);
  await assert.rejects(getManifest(c, 'r', manifest.digest), DigestMismatchError);
  await assert.rejects(getManifest(c, 'r', 'lying'), DigestMismatchError);
  const good = await getManifest(c, 'r', 'good');
  assert.equal(good.digest, manifest.digest);
  assert.equal(good.mediaType, MediaType.DockerManifest);
});
