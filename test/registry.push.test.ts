// Pushing to a real registry (distribution, plain HTTP), checked with skopeo.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RegistryClient, type RegistryClientOptions } from '../src/registry/client.ts';
import { MediaType } from '../src/registry/manifest.ts';
import { headManifest } from '../src/registry/manifests.ts';
import { pushImage } from '../src/registry/push.ts';
import { pushIndex } from '../src/registry/multiarch.ts';
import { parseReference } from '../src/registry/reference.ts';
import { makeTestImage, noise, skopeoInspect, skopeoRaw, startFaultProxy, startRegistry, type TestRegistry } from './helpers/registry.ts';

let reg: TestRegistry;
const clients: RegistryClient[] = [];

before(async () => {
  reg = await startRegistry({ mode: 'http' });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await reg?.stop();
});

function client(opts: RegistryClientOptions = {}, host = reg.host): RegistryClient {
  const c = new RegistryClient(host, { tlsVerify: false, retry: { baseDelayMs: 10 }, ...opts });
  clients.push(c);
  return c;
}

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const smallImage = (tag = 'a') =>
  makeTestImage({
    layers: [{ 'bin/hello': `#!/bin/sh\necho hello ${tag}\n` }, { 'etc/motd': `welcome ${tag}\n`, 'etc/hostname': 'box\n' }],
  });

test('push: skopeo sees the digest we report and our layers; a second push uploads nothing', async () => {
  const image = await smallImage();
  const ref = parseReference(`${reg.host}/test/app:v1`);
  const first = await pushImage(client(), ref, { config: image.config, layers: image.sources() });

  assert.equal(first.mediaType, MediaType.DockerManifest);
  assert.deepEqual(first.tags, ['v1']);
  assert.equal(first.uploaded, 3);
  assert.deepEqual(first.layers.map((l) => l.status), ['uploaded', 'uploaded']);
  assert.equal(first.config.status, 'uploaded');
  assert.equal(first.reference, `${reg.host}/test/app@${first.digest}`);

  const raw = await skopeoRaw(`${reg.host}/test/app:v1`);
  assert.equal(sha256(raw), first.digest);
  const info = await skopeoInspect(`${reg.host}/test/app:v1`);
  assert.equal(info.Digest, first.digest);
  assert.deepEqual(info.Layers, image.layers.map((l) => l.digest));
  assert.equal(info.Architecture, 'amd64');
  const manifest = JSON.parse(raw.toString());
  assert.equal(manifest.config.digest, sha256(image.config));
  assert.deepEqual(manifest.layers.map((l: { mediaType: string }) => l.mediaType), [MediaType.DockerLayerGzip, MediaType.DockerLayerGzip]);
  assert.deepEqual(manifest.layers.map((l: { size: number }) => l.size), image.layers.map((l) => l.bytes.length));

  const head = await headManifest(client(), 'test/app', 'v1');
  assert.deepEqual(head, { mediaType: MediaType.DockerManifest, digest: first.digest, size: first.size });
  assert.equal(await headManifest(client(), 'test/app', 'nope'), undefined);

  // A fresh client (no memory of the first push): everything is found by HEAD.
  const second = await pushImage(client(), ref, { config: image.config, layers: image.sources() }, { tags: ['latest'] });
  assert.equal(second.digest, first.digest);
  assert.equal(second.uploaded, 0);
  assert.equal(second.skipped, 3);
  assert.deepEqual(second.layers.map((l) => l.status), ['skipped', 'skipped']);
  assert.equal((await skopeoInspect(`${reg.host}/test/app:latest`)).Digest, first.digest);
});

test('mount: a blob pushed to one repository is mounted into another, not uploaded', async () => {
  const image = await smallImage('mount');
  const a = await pushImage(client(), parseReference(`${reg.host}/mount/a:1`), { config: image.config, layers: image.sources() });
  assert.equal(a.uploaded, 3);

  // A new client told where the blobs live.
  const b = await pushImage(client(), parseReference(`${reg.host}/mount/b:1`), { config: image.config, layers: image.sources() }, { mountFrom: ['mount/a'] });
  assert.equal(b.digest, a.digest);
  assert.equal(b.mounted, 3);
  assert.equal(b.uploaded, 0);
  assert.ok(b.layers.every((l) => l.status === 'mounted' && l.from === 'mount/a'));
  assert.equal((await skopeoInspect(`${reg.host}/mount/b:1`)).Digest, a.digest);

  // One client remembers what it pushed where.
  const c = client();
  await pushImage(c, parseReference(`${reg.host}/mount/c:1`), { config: image.config, layers: image.sources() });
  const d = await pushImage(c, parseReference(`${reg.host}/mount/d:1`), { config: image.config, layers: image.sources() });
  assert.equal(d.mounted, 3);
  assert.equal((await skopeoInspect(`${reg.host}/mount/d:1`)).Digest, a.digest);
});

test('chunked upload: PATCHes of at most 4 MiB, then a closing PUT; unknown digests are computed', async () => {
  const image = await makeTestImage({ layers: [{ big: noise(9 * 1024 * 1024 + 123) }], compression: 'none' });
  const proxy = await startFaultProxy(reg.port);
  try {
    const ref = parseReference(`${proxy.host}/chunked/app:1`);
    const res = await pushImage(client({}, proxy.host), ref, { config: image.config, layers: image.sources() }, { mode: 'chunked' });
    const patches = proxy.requests.filter((r) => r.method === 'PATCH');
    const layerSize = image.layers[0]!.bytes.length;
    // The config (small) is one PATCH; the layer three.
    assert.equal(patches.length, 4);
    assert.ok(patches.every((p) => p.bodyBytes <= 4 * 1024 * 1024 && Number(p.headers['content-length']) === p.bodyBytes));
    assert.deepEqual(
      patches.map((p) => p.bodyBytes).sort((x, y) => y - x),
      [4 << 20, 4 << 20, layerSize - (8 << 20), image.config.length],
    );
    assert.ok(patches.every((p) => /^\d+-\d+$/.test(String(p.headers['content-range']))));
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/'));
    assert.ok(puts.length === 2 && puts.every((p) => p.bodyBytes === 0 && p.path.includes('digest=sha256')));
    const info = await skopeoInspect(`${reg.host}/chunked/app:1`);
    assert.equal(info.Digest, res.digest);
    assert.deepEqual(info.Layers, [image.layers[0]!.digest]);

    // The same layer with neither digest nor size known up front: streamed, hashed, same result.
    const again = await pushImage(client(), parseReference(`${reg.host}/chunked/unknown:1`), { config: image.config, layers: image.sources({ unknownDigest: true }) });
    assert.equal(again.digest, res.digest);
    assert.equal(again.layers[0]!.digest, image.layers[0]!.digest);
    assert.equal(again.layers[0]!.size, layerSize);
  } finally {
    await proxy.stop();
  }
});

test('layers sharing a digest are uploaded once and listed twice', async () => {
  const image = await makeTestImage({ layers: [{ same: 'x' }, { same: 'x' }] });
  const proxy = await startFaultProxy(reg.port);
  try {
    const res = await pushImage(client({}, proxy.host), parseReference(`${proxy.host}/dup/app:1`), { config: image.config, layers: image.sources() });
    assert.equal(res.layers.length, 2);
    assert.equal(res.layers[0]!.digest, res.layers[1]!.digest);
    assert.equal(res.uploaded, 2); // config + one layer
    assert.equal(proxy.requests.filter((r) => r.method === 'POST').length, 2);
    assert.deepEqual((await skopeoInspect(`${reg.host}/dup/app:1`)).Layers, [image.layers[0]!.digest, image.layers[0]!.digest]);
  } finally {
    await proxy.stop();
  }
});

test('zstd layers give an OCI manifest; format "oci" forces one for gzip', async () => {
  const image = await makeTestImage({ layers: [{ a: 'zstd layer\n' }], compression: 'zstd' });
  const res = await pushImage(client(), parseReference(`${reg.host}/oci/zstd:1`), { config: image.config, layers: image.sources() });
  assert.equal(res.mediaType, MediaType.OciManifest);
  const raw = await skopeoRaw(`${reg.host}/oci/zstd:1`);
  assert.equal(sha256(raw), res.digest);
  const m = JSON.parse(raw.toString());
  assert.equal(m.mediaType, MediaType.OciManifest);
  assert.equal(m.config.mediaType, MediaType.OciConfig);
  assert.deepEqual(m.layers.map((l: { mediaType: string }) => l.mediaType), [MediaType.OciLayerZstd]);
  assert.equal((await skopeoInspect(`${reg.host}/oci/zstd:1`)).Digest, res.digest);

  await assert.rejects(
    pushImage(client(), parseReference(`${reg.host}/oci/zstd:2`), { config: image.config, layers: image.sources() }, { format: 'docker' }),
    /zstd layers need an OCI manifest/,
  );

  const gz = await smallImage('oci');
  const forced = await pushImage(client(), parseReference(`${reg.host}/oci/gz:1`), { config: gz.config, layers: gz.sources() }, { format: 'oci' });
  const fm = JSON.parse((await skopeoRaw(`${reg.host}/oci/gz:1`)).toString());
  assert.equal(forced.mediaType, MediaType.OciManifest);
  assert.deepEqual(fm.layers.map((l: { mediaType: string }) => l.mediaType), [MediaType.OciLayerGzip, MediaType.OciLayerGzip]);
});

test('push by digest, and a config that does not match the layers is refused', async () => {
  const image = await smallImage('bydigest');
  const c = client();
  const tagged = await pushImage(c, parseReference(`${reg.host}/bydigest/app:1`), { config: image.config, layers: image.sources() });
  const byDigest = await pushImage(c, parseReference(`${reg.host}/bydigest/copy@${tagged.digest}`), { config: image.config, layers: image.sources() });
  assert.equal(byDigest.digest, tagged.digest);
  assert.deepEqual(byDigest.tags, []);
  assert.equal(sha256(await skopeoRaw(`${reg.host}/bydigest/copy@${tagged.digest}`)), tagged.digest);

  await assert.rejects(
    pushImage(c, parseReference(`${reg.host}/bydigest/app:2`), { config: image.config, layers: image.sources().slice(1) }),
    /lists 2 diff_ids but 1 layers/,
  );
});

test('multi-arch: two pushed images become one index under a tag', async () => {
  const amd = await makeTestImage({ layers: [{ arch: 'amd64\n' }], architecture: 'amd64' });
  const arm = await makeTestImage({ layers: [{ arch: 'arm64\n' }], architecture: 'arm64', variant: 'v8' });
  const c = client();
  const a = await pushImage(c, parseReference(`${reg.host}/multi/app:amd64`), { config: amd.config, layers: amd.sources() });
  // The arm64 image lives in another repository: the index copies it over.
  const b = await pushImage(c, parseReference(`${reg.host}/multi/app-arm:latest`), { config: arm.config, layers: arm.sources() });

  const index = await pushIndex(c, parseReference(`${reg.host}/multi/app:v1`), [
    parseReference(`${reg.host}/multi/app:amd64`),
    parseReference(`${reg.host}/multi/app-arm:latest`),
  ]);
  assert.equal(index.mediaType, MediaType.DockerManifestList);
  const raw = await skopeoRaw(`${reg.host}/multi/app:v1`);
  assert.equal(sha256(raw), index.digest);
  const list = JSON.parse(raw.toString());
  assert.deepEqual(
    list.manifests.map((m: { digest: string; platform: { architecture: string; variant?: string } }) => [m.digest, m.platform.architecture, m.platform.variant]),
    [
      [a.digest, 'amd64', undefined],
      [b.digest, 'arm64', 'v8'],
    ],
  );
  // Each platform resolves to its image, from the index's own repository (skopeo's
  // Digest names the index it started from).
  for (const [arch, image] of [['amd64', amd], ['arm64', arm]] as const) {
    const info = await skopeoInspect(`${reg.host}/multi/app:v1`, { overrideArch: arch });
    assert.equal(info.Digest, index.digest);
    assert.equal(info.Architecture, arch);
    assert.deepEqual(info.Layers, image.layers.map((l) => l.digest));
  }

  const amd2 = await makeTestImage({ layers: [{ arch: 'amd64 again\n' }], architecture: 'amd64' });
  await pushImage(c, parseReference(`${reg.host}/multi/app:amd64-2`), { config: amd2.config, layers: amd2.sources() });
  await assert.rejects(
    pushIndex(c, parseReference(`${reg.host}/multi/app:bad`), [parseReference(`${reg.host}/multi/app:amd64`), parseReference(`${reg.host}/multi/app:amd64-2`)]),
    /two images for platform linux\/amd64/,
  );
});
