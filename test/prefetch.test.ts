// prefetch (nix-prefetch-docker) against a real registry: the printed attribute set, fed
// back into pullImage, reproduces the archive; the hash is that of skopeo's archive.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { prefetch, runPrefetchCli } from '../src/functions/prefetch.ts';
import { pullImage } from '../src/functions/pullImage.ts';
import { formatNixHash, toNixBase32 } from '../src/functions/pullImage/nixHash.ts';
import { RegistryClient } from '../src/registry/index.ts';
import { pushMultiArch, pushSmallImage, sha256Of, skopeoArchive, type PushedImage, type PushedIndex } from './helpers/pull.ts';
import { startRegistry, type TestRegistry } from './helpers/registry.ts';

let reg: TestRegistry;
let client: RegistryClient;
let tmp: string;
let app: PushedImage;
let multi: PushedIndex;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prefetch-test-'));
  reg = await startRegistry({ mode: 'http' });
  client = new RegistryClient(reg.host, { tlsVerify: false });
  app = await pushSmallImage(client, 'test/app', '2.0');
  multi = await pushMultiArch(client, 'test/multi', 'latest');
});
after(async () => {
  await client?.close();
  await reg?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The attribute set as Nix would read it (flat, string values only). */
function parseNixAttrs(text: string): Record<string, string> {
  assert.match(text, /^\{\n(  \w+ = "[^"]*";\n)+\}\n$/);
  return Object.fromEntries([...text.matchAll(/^ {2}(\w+) = "([^"]*)";$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** pullImage with exactly the printed attributes (tlsVerify for the test registry), on another host architecture. */
async function reproduce(attrs: Record<string, string>, hostArch: string): Promise<Buffer> {
  const out = path.join(fs.mkdtempSync(path.join(tmp, 'repro-')), 'image.tar');
  await pullImage({ imageName: attrs.imageName!, imageDigest: attrs.imageDigest!, sha256: attrs.sha256!, finalImageName: attrs.finalImageName!, finalImageTag: attrs.finalImageTag!, tlsVerify: false }, { out, hostArch });
  return fs.readFileSync(out);
}

test('a single-platform tag: the printed set reproduces with pullImage; the hash is that of skopeo’s archive', async () => {
  const imageName = `${reg.host}/test/app`;
  const r = await prefetch({ imageName, imageTag: '2.0', tlsVerify: false, arch: 'amd64' });
  const attrs = parseNixAttrs(r.nix);
  assert.deepEqual(Object.keys(attrs), ['imageName', 'imageDigest', 'sha256', 'finalImageName', 'finalImageTag']);
  assert.deepEqual(attrs, { ...r.json });
  assert.equal(attrs.imageName, imageName);
  assert.equal(attrs.imageDigest, app.digest);
  assert.equal(attrs.finalImageName, imageName);
  assert.equal(attrs.finalImageTag, '2.0'); // as nix-prefetch-docker: the tag asked for
  assert.equal(r.indexDigest, undefined);
  const reference = await skopeoArchive({ source: `${imageName}@${app.digest}`, finalImageName: imageName, finalImageTag: '2.0' });
  assert.equal(attrs.sha256, toNixBase32(sha256Of(reference)));
  assert.equal(r.hash, formatNixHash(sha256Of(reference), 'sri'));
  assert.ok((await reproduce(attrs, 'arm64')).equals(reference));
});

test('a multi-arch tag resolves to the platform’s image, so the printed digest and hash reproduce on any host', async () => {
  const imageName = `${reg.host}/test/multi`;
  for (const arch of ['amd64', 'arm64'] as const) {
    const r = await prefetch({ imageName, arch, tlsVerify: false, finalImageName: 'multi' });
    assert.equal(r.json.imageDigest, multi.images[arch]);
    assert.equal(r.indexDigest, multi.digest);
    assert.equal(r.platform, arch === 'arm64' ? 'linux/arm64/v8' : 'linux/amd64');
    assert.equal(r.json.finalImageTag, 'latest');
    // What nixpkgs' skopeo writes for the list with --override-arch: the same archive.
    const reference = await skopeoArchive({ source: `${imageName}@${multi.digest}`, finalImageName: 'multi', finalImageTag: 'latest', arch });
    assert.equal(r.json.sha256, toNixBase32(sha256Of(reference)));
    const other = arch === 'amd64' ? 'arm64' : 'amd64';
    assert.ok((await reproduce(parseNixAttrs(r.nix), other)).equals(reference));
  }
});

test('nix-docker prefetch: Nix or JSON on stdout, the summary on stderr, --out keeps the archive', async () => {
  const capture = () => {
    const o = { out: '', err: '' };
    return { o, io: { stdout: { write: (s: string) => (o.out += s) }, stderr: { write: (s: string) => (o.err += s) }, env: {} } };
  };
  const imageName = `${reg.host}/test/multi`;
  const keep = path.join(tmp, 'kept.tar');
  const nixRun = capture();
  const code = await runPrefetchCli(['--image-name', imageName, '--image-tag', 'latest', '--arch', 'arm64', '--os', 'linux', '--tls-verify', 'false', '--final-image-name', 'm', '--final-image-tag', 't', '--out', keep], nixRun.io);
  assert.equal(code, 0, nixRun.o.err);
  const attrs = parseNixAttrs(nixRun.o.out);
  assert.deepEqual(attrs, { imageName, imageDigest: multi.images.arm64, sha256: toNixBase32(sha256Of(fs.readFileSync(keep))), finalImageName: 'm', finalImageTag: 't' });
  for (const line of [`-> ImageName: ${imageName}`, `-> ImageDigest: ${multi.images.arm64}`, '-> FinalImageName: m', '-> FinalImageTag: t', `-> ImagePath: ${keep}`, `-> ImageHash: ${attrs.sha256}`]) {
    assert.ok(nixRun.o.err.includes(line), `${line}\n${nixRun.o.err}`);
  }

  const jsonRun = capture();
  assert.equal(await runPrefetchCli([`${reg.host}/test/app`, '2.0', '--json', '--quiet', '--tls-verify=false', '--arch', 'amd64', '--hash-format', 'sri'], jsonRun.io), 0, jsonRun.o.err);
  const json = JSON.parse(jsonRun.o.out);
  assert.deepEqual(Object.keys(json), ['imageName', 'imageDigest', 'sha256', 'finalImageName', 'finalImageTag']);
  assert.equal(json.imageDigest, app.digest);
  assert.match(json.sha256, /^sha256-[A-Za-z0-9+/]{43}=$/);
  assert.equal(jsonRun.o.err, '');
  assert.equal(jsonRun.o.out, `${JSON.stringify(json, null, 2)}\n`);

  const missing = capture();
  assert.equal(await runPrefetchCli([`${reg.host}/test/app`, 'no-such-tag', '--tls-verify', 'false'], missing.io), 2);
  assert.match(missing.o.err, /attribute 'imageTag'.*no-such-tag/);
  assert.equal(missing.o.out, '');
  const noPlatform = capture();
  assert.equal(await runPrefetchCli([imageName, '--arch', 'mips', '--tls-verify', 'false'], noPlatform.io), 2);
  assert.match(noPlatform.o.err, /linux\/mips/);
  const plainHttp = capture(); // TLS required, the registry speaks plain HTTP: not the user's attribute, exit 1
  assert.equal(await runPrefetchCli([`${reg.host}/test/app`, '2.0'], plainHttp.io), 1);
  assert.match(plainHttp.o.err, /^nix-docker prefetch: error: .*tlsVerify/);
});
