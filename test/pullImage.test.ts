// pullImage against a real registry (distribution, plain HTTP and TLS), every archive
// compared byte for byte with what skopeo writes when run as nixpkgs' pullImage runs it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pullImage, HashMismatchError, PullAttributeError, type PullImageSpec, type PullContext } from '../src/functions/pullImage.ts';
import { formatNixHash, toNixBase32 } from '../src/functions/pullImage/nixHash.ts';
import { DigestMismatchError, MediaType, parseReference, pushImage, RegistryClient } from '../src/registry/index.ts';
import { LayerMismatchError } from '../src/functions/pullImage/skopeoArchive.ts';
import { readArchive } from './helpers/archive.ts';
import { REPO } from './helpers/cli.ts';
import { pushMultiArch, pushOddImage, pushSmallImage, sha256Of, skopeoArchive, type PushedImage, type PushedIndex } from './helpers/pull.ts';
import { makeTestImage, noise, startFaultProxy, startRegistry, type TestRegistry } from './helpers/registry.ts';

let reg: TestRegistry;
let client: RegistryClient;
let tmp: string;
let app: PushedImage;
let odd: PushedImage;
let zstd: PushedImage;
let multi: PushedIndex;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-image-test-'));
  reg = await startRegistry({ mode: 'http' });
  client = new RegistryClient(reg.host, { tlsVerify: false });
  app = await pushSmallImage(client, 'test/app');
  odd = await pushOddImage(client, 'test/odd');
  zstd = await pushSmallImage(client, 'test/app-zstd', 'v1', 'zstd');
  multi = await pushMultiArch(client, 'test/multi');
});
after(async () => {
  await client?.close();
  await reg?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const ctx: PullContext = { retry: { baseDelayMs: 10 } };
let n = 0;
const outPath = (): string => path.join(fs.mkdtempSync(path.join(tmp, `out-${n++}-`)), 'image.tar');
const base32 = (b: Buffer): string => toNixBase32(sha256Of(b));

/** pullImage and skopeo on the same inputs: the archives must be the same bytes. */
async function compareWithSkopeo(spec: Omit<PullImageSpec, 'sha256'>, skopeoArch = spec.arch ?? 'amd64'): Promise<{ ours: Buffer; out: string }> {
  const reference = await skopeoArchive({
    source: `${spec.imageName}@${spec.imageDigest}`,
    finalImageName: spec.finalImageName ?? spec.imageName,
    finalImageTag: spec.finalImageTag ?? 'latest',
    arch: skopeoArch,
    ...(spec.os ? { os: spec.os } : {}),
  });
  const out = outPath();
  const r = await pullImage({ tlsVerify: false, ...spec, sha256: base32(reference) }, { ...ctx, out, hostArch: 'amd64' });
  const ours = fs.readFileSync(out);
  assert.equal(ours.length, reference.length);
  assert.ok(ours.equals(reference), 'archive bytes differ from skopeo');
  assert.equal(r.archive, out);
  assert.equal(r.sha256, base32(reference));
  assert.equal(r.hash, formatNixHash(sha256Of(reference), 'sri'));
  assert.equal(r.digest, spec.imageDigest);
  return { ours, out };
}

test('gzip layers: byte-identical to skopeo, with the default final name and tag and with others', async () => {
  const imageName = `${reg.host}/test/app`;
  const plain = await compareWithSkopeo({ imageName, imageDigest: app.digest });
  const view = await readArchive(plain.ours);
  assert.deepEqual(view.manifest[0]!.RepoTags, [`${imageName}:latest`]);
  assert.equal(view.layers.length, 2);
  assert.deepEqual(view.layers[0]!.map((e) => e.name), ['bin/hello']);

  const named = await compareWithSkopeo({ imageName, imageDigest: app.digest, finalImageName: 'nix-docker/pulled', finalImageTag: '1.0' });
  assert.deepEqual((await readArchive(named.ours)).manifest[0]!.RepoTags, ['docker.io/nix-docker/pulled:1.0']);
  const single = await compareWithSkopeo({ imageName, imageDigest: app.digest, finalImageName: 'pulled' });
  assert.deepEqual((await readArchive(single.ours)).manifest[0]!.RepoTags, ['docker.io/library/pulled:latest']);
  assert.ok(!named.ours.equals(plain.ours));
});

test('the hash may be given as Nix base-32, SRI, base64 or hex', async () => {
  const reference = await skopeoArchive({ source: `${reg.host}/test/app@${app.digest}`, finalImageName: 'h', finalImageTag: 'latest' });
  const h = sha256Of(reference);
  for (const sha256 of [formatNixHash(h, 'sri'), formatNixHash(h, 'hex'), formatNixHash(h, 'base64'), `sha256:${formatNixHash(h, 'base32')}`]) {
    const r = await pullImage({ imageName: `${reg.host}/test/app`, imageDigest: app.digest, sha256, finalImageName: 'h', tlsVerify: false }, { ...ctx, out: outPath() });
    assert.equal(r.sha256, formatNixHash(h, 'base32'), sha256);
  }
});

test('an uncompressed layer, gzip typed as tar, tar typed as gzip, a repeated layer, an odd config: as skopeo writes them', async () => {
  const { ours } = await compareWithSkopeo({ imageName: `${reg.host}/test/odd`, imageDigest: odd.digest, finalImageName: 'foo/bar', finalImageTag: '1' });
  // The same bytes the golden fixture of the unit tests was taken from.
  const golden = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/pull/odd-skopeo.json'), 'utf8'));
  const view = await readArchive(ours);
  assert.equal(view.members.get('manifest.json')!.toString(), golden.manifest);
  assert.equal(view.members.get('repositories')!.toString(), golden.repositories);
  for (const l of golden.legacy) assert.equal(view.members.get(`${l.id}/json`)!.toString(), l.json);
  assert.equal(view.manifest[0]!.Layers.length, 3);
  assert.equal(new Set(view.manifest[0]!.Layers).size, 2); // the repeated layer is stored once
});

test('the same layer content under two compressions is stored once, as skopeo does', async () => {
  const files = [{ 'same.txt': 'same' }];
  const raw = await makeTestImage({ layers: files, compression: 'none' });
  const gz = await makeTestImage({ layers: files, compression: 'gz' });
  const config = JSON.parse(raw.config.toString());
  config.rootfs.diff_ids = [raw.layers[0]!.diffId, gz.layers[0]!.diffId, raw.layers[0]!.diffId]; // all the same
  config.history = [];
  const pushed = await pushImage(client, parseReference(`${reg.host}/test/twice:v1`), {
    config: Buffer.from(JSON.stringify(config)),
    // plain first (written), then gzip (decompressed, found to be the same, dropped), plain again (reused unread)
    layers: [...raw.sources(), ...gz.sources(), ...raw.sources()],
  });
  const { ours } = await compareWithSkopeo({ imageName: `${reg.host}/test/twice`, imageDigest: pushed.digest });
  const view = await readArchive(ours);
  assert.deepEqual(view.manifest[0]!.Layers, Array(3).fill(`${raw.layers[0]!.diffId.slice(7)}.tar`));
});

test('zstd layers (an OCI manifest) are written uncompressed: the archive skopeo writes for the gzip twin', async () => {
  // skopeo 1.9 itself refuses zstd layers for docker-archive ("zstd compression is not supported
  // for docker images"); newer skopeo decompresses them like gzip. Same layers, same archive.
  const manifest = JSON.parse((await client.send({ method: 'GET', url: await client.url('test/app-zstd', `manifests/${zstd.digest}`), headers: { accept: MediaType.OciManifest }, buffer: 1 << 20 })).data!.toString());
  assert.equal(manifest.layers[0].mediaType, MediaType.OciLayerZstd);
  const reference = await skopeoArchive({ source: `${reg.host}/test/app@${app.digest}`, finalImageName: 'twin', finalImageTag: 'v1' });
  const out = outPath();
  await pullImage({ imageName: `${reg.host}/test/app-zstd`, imageDigest: zstd.digest, sha256: base32(reference), finalImageName: 'twin', finalImageTag: 'v1', tlsVerify: false }, { ...ctx, out });
  assert.ok(fs.readFileSync(out).equals(reference));
});

test('large layers stream through (gzip and plain, an OCI manifest): still byte-identical to skopeo', async () => {
  const big = noise(3 << 20, 7);
  const gz = await makeTestImage({ layers: [{ 'big.bin': big, 'small.txt': 'x' }, { 'more.bin': noise(1 << 20, 8) }], compression: 'gz' });
  const raw = await makeTestImage({ layers: [{ 'big.bin': big, 'other.txt': 'y' }], compression: 'none' });
  const config = JSON.parse(gz.config.toString());
  config.rootfs.diff_ids.push(raw.layers[0]!.diffId);
  const layers = [...gz.sources(), ...raw.sources()];
  const pushed = await pushImage(client, parseReference(`${reg.host}/test/large:v1`), { config: Buffer.from(JSON.stringify(config, null, 2)), layers }, { format: 'oci' });
  const { ours } = await compareWithSkopeo({ imageName: `${reg.host}/test/large`, imageDigest: pushed.digest });
  const view = await readArchive(ours);
  assert.deepEqual(view.layerDigests.map((d) => `sha256:${d}`), [...gz.layers.map((l) => l.diffId), raw.layers[0]!.diffId]);
});

test("a manifest list: arch picks that platform's image, byte-identical to skopeo --override-arch", async () => {
  const imageName = `${reg.host}/test/multi`;
  const byArch: Record<string, Buffer> = {};
  for (const arch of ['amd64', 'arm64'] as const) {
    const { ours } = await compareWithSkopeo({ imageName, imageDigest: multi.digest, arch, finalImageName: 'multi', finalImageTag: arch });
    const view = await readArchive(ours);
    assert.equal(view.config.architecture, arch);
    const files = view.layers.flat().map((e) => e.name);
    assert.deepEqual(files, ['arch', `only-on-${arch}`]);
    assert.equal(view.layers[0]![0]!.data!.toString(), `${arch}\n`);
    byArch[arch] = ours;
    // The platform's own manifest digest gives the same archive (os/arch then play no part).
    const direct = outPath();
    const r = await pullImage(
      { imageName, imageDigest: multi.images[arch], sha256: base32(ours), arch: 's390x', finalImageName: 'multi', finalImageTag: arch, tlsVerify: false },
      { ...ctx, out: direct },
    );
    assert.equal(r.manifestDigest, multi.images[arch]);
    assert.ok(fs.readFileSync(direct).equals(ours));
  }
  assert.ok(!byArch.amd64!.equals(byArch.arm64!));
  // The default arch is the host's.
  const r = await pullImage({ imageName, imageDigest: multi.digest, sha256: base32(byArch.arm64!), finalImageName: 'multi', finalImageTag: 'arm64', tlsVerify: false }, { ...ctx, out: outPath(), hostArch: 'arm64' });
  assert.equal(r.manifestDigest, multi.images.arm64);
  // No image for the platform: a clean error naming what the list has.
  const none = outPath();
  await assert.rejects(
    pullImage({ imageName, imageDigest: multi.digest, sha256: base32(byArch.arm64!), arch: 'riscv64', tlsVerify: false }, { ...ctx, out: none }),
    (err: Error) => err instanceof PullAttributeError && err.attribute === 'arch' && /linux\/riscv64.*linux\/amd64, linux\/arm64\/v8/.test(err.message),
  );
  assert.deepEqual(fs.readdirSync(path.dirname(none)), []);
});

test('the manifest list must hash to imageDigest: altered bytes from the registry fail, nothing is written', async () => {
  const listBytes = (await client.send({ method: 'GET', url: await client.url('test/multi', `manifests/${multi.digest}`), headers: { accept: MediaType.DockerManifestList }, buffer: 1 << 20 })).data!;
  const list = JSON.parse(listBytes.toString());
  list.manifests.reverse(); // same entries, other bytes
  const body = JSON.stringify(list);
  const proxy = await startFaultProxy(reg.port, (req) =>
    req.method === 'GET' && req.path.includes('/manifests/sha256:')
      ? { kind: 'status', status: 200, headers: { 'content-type': MediaType.DockerManifestList, 'docker-content-digest': multi.digest }, body }
      : undefined,
  );
  try {
    const out = outPath();
    await assert.rejects(
      pullImage({ imageName: `${proxy.host}/test/multi`, imageDigest: multi.digest, sha256: '0'.repeat(52), tlsVerify: false }, { ...ctx, out }),
      (err: Error) => err instanceof DigestMismatchError && err.expected === multi.digest && err.message.includes(multi.digest),
    );
    assert.deepEqual(fs.readdirSync(path.dirname(out)), []);
    assert.ok(proxy.requests.some((r) => r.fault === 'status'));
  } finally {
    await proxy.stop();
  }
});

test('every blob is verified as it streams, and every layer against its diff_id: a failure leaves no file', async () => {
  // Layer 2 of the odd image is a plain tar: serve other bytes of the same length for it.
  const manifest = JSON.parse((await client.send({ method: 'GET', url: await client.url('test/odd', `manifests/${odd.digest}`), headers: { accept: MediaType.DockerManifest }, buffer: 1 << 20 })).data!.toString());
  const target = manifest.layers[1].digest as string;
  const real = (await client.send({ method: 'GET', url: await client.url('test/odd', `blobs/${target}`), buffer: 1 << 20 })).data!;
  const forged = Buffer.from(real.toString('latin1').replace('b.txt', 'c.txt'), 'latin1');
  assert.equal(forged.length, real.length);
  const proxy = await startFaultProxy(reg.port, (req) =>
    req.method === 'GET' && req.path.endsWith(`/blobs/${target}`)
      ? { kind: 'status', status: 200, headers: { 'content-type': 'application/octet-stream' }, body: forged.toString('latin1') }
      : undefined,
  );
  try {
    const out = outPath();
    await assert.rejects(
      pullImage({ imageName: `${proxy.host}/test/odd`, imageDigest: odd.digest, sha256: '0'.repeat(52), tlsVerify: false }, { ...ctx, out }),
      (err: Error) => err instanceof DigestMismatchError && err.expected === target,
    );
    assert.deepEqual(fs.readdirSync(path.dirname(out)), []);
  } finally {
    await proxy.stop();
  }

  // A config whose diff_ids do not name the layers' content.
  const image = await makeTestImage({ layers: [{ one: '1' }, { two: '2' }] });
  const config = JSON.parse(image.config.toString());
  config.rootfs.diff_ids.reverse();
  const pushed = await pushImage(client, parseReference(`${reg.host}/test/lying:v1`), { config: Buffer.from(JSON.stringify(config)), layers: image.sources() });
  const out = outPath();
  await assert.rejects(
    pullImage({ imageName: `${reg.host}/test/lying`, imageDigest: pushed.digest, sha256: '0'.repeat(52), tlsVerify: false }, { ...ctx, out }),
    (err: Error) => err instanceof LayerMismatchError && err.message.includes(image.layers[0]!.diffId) && err.message.includes(image.layers[1]!.diffId),
  );
  assert.deepEqual(fs.readdirSync(path.dirname(out)), []);
});

test('a wrong sha256: a clean error with both hashes in the form given, and no output file', async () => {
  const reference = await skopeoArchive({ source: `${reg.host}/test/app@${app.digest}`, finalImageName: `${reg.host}/test/app`, finalImageTag: 'latest' });
  const actual = sha256Of(reference);
  const wrong = sha256Of(Buffer.from('not the archive'));
  const cases: [string, string][] = [
    [formatNixHash(wrong, 'base32'), formatNixHash(actual, 'base32')],
    [formatNixHash(wrong, 'sri'), formatNixHash(actual, 'sri')],
    [formatNixHash(wrong, 'hex'), formatNixHash(actual, 'hex')],
    ['', formatNixHash(actual, 'sri')], // "don't know yet": the error tells
  ];
  for (const [given, shown] of cases) {
    const out = outPath();
    await assert.rejects(
      pullImage({ imageName: `${reg.host}/test/app`, imageDigest: app.digest, sha256: given, tlsVerify: false }, { ...ctx, out }),
      (err: Error) => {
        assert.ok(err instanceof HashMismatchError, String(err));
        assert.equal(err.attribute, 'sha256');
        assert.equal(err.got, shown);
        assert.ok(err.message.includes(shown) && err.message.includes(given === '' ? '""' : given), err.message);
        assert.ok(!err.message.includes('\n'));
        return true;
      },
    );
    assert.deepEqual(fs.readdirSync(path.dirname(out)), [], 'no output and no temporary file left');
  }
});

test('a wrong imageDigest: a clean error naming it, and no output file', async () => {
  const missing = `sha256:${'0'.repeat(64)}`;
  const out = outPath();
  await assert.rejects(
    pullImage({ imageName: `${reg.host}/test/app`, imageDigest: missing, sha256: '0'.repeat(52), tlsVerify: false }, { ...ctx, out }),
    (err: Error) => err instanceof PullAttributeError && err.attribute === 'imageDigest' && err.message.includes(missing) && err.message.includes('test/app'),
  );
  // The digest of another repository's image is just as unknown here.
  await assert.rejects(
    pullImage({ imageName: `${reg.host}/test/app`, imageDigest: odd.digest, sha256: '0'.repeat(52), tlsVerify: false }, { ...ctx, out }),
    (err: Error) => err instanceof PullAttributeError && err.attribute === 'imageDigest',
  );
  await assert.rejects(
    pullImage({ imageName: `${reg.host}/test/app`, imageDigest: 'sha256:1234', sha256: '0'.repeat(52), tlsVerify: false }, { ...ctx, out }),
    /attribute 'imageDigest'/,
  );
  assert.deepEqual(fs.readdirSync(path.dirname(out)), []);
});

test('TLS: the test CA verifies the registry; without it the pull fails cleanly; tlsVerify = false', async () => {
  const tls = await startRegistry({ mode: 'tls' });
  const tlsClient = new RegistryClient(tls.host, { ca: tls.ca! });
  try {
    const pushed = await pushSmallImage(tlsClient, 'secure/app');
    const certDir = fs.mkdtempSync(path.join(tmp, 'certs-'));
    fs.writeFileSync(path.join(certDir, 'ca.crt'), tls.ca!);
    const reference = await skopeoArchive({ source: `${tls.host}/secure/app@${pushed.digest}`, finalImageName: 's', finalImageTag: 'latest', tlsVerify: true, certDir });
    const spec = { imageName: `${tls.host}/secure/app`, imageDigest: pushed.digest, sha256: base32(reference), finalImageName: 's' };

    const out = outPath();
    await pullImage(spec, { ...ctx, out, ca: tls.ca! });
    assert.ok(fs.readFileSync(out).equals(reference));
    // The CA from SSL_CERT_FILE, as skopeo (Go) reads it.
    const viaEnv = outPath();
    await pullImage(spec, { ...ctx, out: viaEnv, env: { SSL_CERT_FILE: path.join(certDir, 'ca.crt') } });
    assert.ok(fs.readFileSync(viaEnv).equals(reference));
    // Unverified: the same bytes.
    const insecure = outPath();
    await pullImage({ ...spec, tlsVerify: false }, { ...ctx, out: insecure });
    assert.ok(fs.readFileSync(insecure).equals(reference));
    // No CA: refused, nothing written.
    const refused = outPath();
    await assert.rejects(pullImage(spec, { ...ctx, out: refused }), /TLS|certificate/i);
    assert.deepEqual(fs.readdirSync(path.dirname(refused)), []);
    // A plain-HTTP registry needs tlsVerify = false.
    const plain = outPath();
    await assert.rejects(
      pullImage({ imageName: `${reg.host}/test/app`, imageDigest: app.digest, sha256: '0'.repeat(52) }, { ...ctx, out: plain }),
      /plain HTTP|tlsVerify|SSL|EPROTO/i,
    );
    assert.deepEqual(fs.readdirSync(path.dirname(plain)), []);
  } finally {
    await tlsClient.close();
    await tls.stop();
  }
});
