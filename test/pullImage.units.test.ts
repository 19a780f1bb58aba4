// pullImage's pure parts: Nix hash forms (checked against the real `nix` CLI), Go's tar
// headers and JSON as skopeo writes them (golden bytes taken from skopeo 1.9's output,
// test/fixtures/pull/), the legacy layer ids, platform choice from a manifest list, the
// attribute defaults, and the prefetch command's argument parsing and output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fromNixBase32, formatNixHash, parseNixHash, toNixBase32 } from '../src/functions/pullImage/nixHash.ts';
import { BLOCK, goTarHeader, paxRecord } from '../src/functions/pullImage/goTar.ts';
import { goCompact, goMarshalMap, goString, rawMembers } from '../src/functions/pullImage/goJson.ts';
import { legacyLayers, manifestJson, PositionalWriter, repositoriesJson } from '../src/functions/pullImage/skopeoArchive.ts';
import { chooseInstance } from '../src/functions/pullImage/platform.ts';
import { sniffCompression } from '../src/functions/pullImage/decompress.ts';
import { archiveRepoName, defaultPullImageName, PULL_IMAGE_ATTRIBUTES, resolvePullImageSpec } from '../src/functions/pullImage.ts';
import { nixAttrs, parsePrefetchArgs, runPrefetchCli } from '../src/functions/prefetch.ts';
import type { Descriptor } from '../src/registry/index.ts';
import { REPO } from './helpers/cli.ts';

const FIXTURES = `${REPO}/test/fixtures/pull`;
const nix = (...args: string[]): string =>
  execFileSync('nix', ['--extra-experimental-features', 'nix-command', ...args], { encoding: 'utf8' }).trim();

test('Nix base-32 matches `nix hash to-base32`, and every form parses to the same bytes', () => {
  for (const seed of ['', 'a', 'pullImage', 'skopeo']) {
    const bytes = createHash('sha256').update(seed).digest();
    const hex = bytes.toString('hex');
    const base32 = nix('hash', 'to-base32', '--type', 'sha256', hex);
    const sri = nix('hash', 'to-sri', '--type', 'sha256', hex);
    assert.equal(toNixBase32(bytes), base32);
    assert.deepEqual(fromNixBase32(base32), bytes);
    assert.equal(formatNixHash(bytes, 'sri'), sri);
    for (const [text, format] of [
      [base32, 'base32'],
      [sri, 'sri'],
      [hex, 'hex'],
      [bytes.toString('base64'), 'base64'],
      [`sha256:${base32}`, 'base32'],
      [`sha256:${hex}`, 'hex'],
    ] as const) {
      const h = parseNixHash(text);
      assert.deepEqual(h.bytes, bytes, text);
      assert.equal(h.format, format, text);
      assert.equal(formatNixHash(h.bytes, h.format, h.prefixed), text);
    }
  }
  assert.equal(parseNixHash('').bytes.length, 0); // "unknown yet": never matches
  for (const bad of ['abc', 'sha256-short', 'e'.repeat(52), `sha1:${'0'.repeat(40)}`, `sha512-${'A'.repeat(86)}==`, 'x'.repeat(64)]) {
    assert.throws(() => parseNixHash(bad), /hash|base-32|sha256/, bad);
  }
});

test('tar headers are byte-identical to the ones skopeo 1.9 (Go archive/tar) wrote', () => {
  const { headers } = JSON.parse(fs.readFileSync(`${FIXTURES}/skopeo-headers.json`, 'utf8')) as {
    headers: { name: string; type: 'file' | 'symlink'; size: number; linkname: string | null; hex: string }[];
  };
  assert.ok(headers.some((h) => h.type === 'symlink') && headers.some((h) => h.type === 'file'));
  for (const h of headers) {
    const ours = goTarHeader({ name: h.name, type: h.type, size: h.size, ...(h.linkname ? { linkname: h.linkname } : {}) });
    assert.equal(ours.toString('hex'), h.hex, h.name);
  }
});

test('a member of 8 GiB or more gets a PAX size record first, as Go writes it', () => {
  const size = 9 * 2 ** 30;
  const h = goTarHeader({ name: `${'a'.repeat(64)}.tar`, type: 'file', size });
  assert.equal(h.length, 3 * BLOCK);
  const pax = h.subarray(0, BLOCK);
  assert.equal(pax.toString('latin1', 0, 100).replace(/\0+$/, ''), `PaxHeaders.0/${'a'.repeat(64)}.tar`);
  assert.equal(String.fromCharCode(pax[156]!), 'x');
  const record = paxRecord('size', String(size));
  assert.equal(record, `19 size=${size}\n`);
  assert.equal(record.length, 19);
  assert.equal(h.toString('latin1', BLOCK, BLOCK + record.length), record);
  assert.equal(parseInt(pax.toString('latin1', 124, 135), 8), record.length);
  const main = h.subarray(2 * BLOCK);
  assert.equal(main.toString('latin1', 124, 136), '00000000000\0'); // Go's "too long": zero, the PAX record wins
  for (const block of [pax, main]) {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    assert.equal(parseInt(block.toString('latin1', 148, 154), 8), sum);
  }
  assert.equal(paxRecord('size', '1'), '9 size=1\n');
  assert.equal(paxRecord('k', 'x'.repeat(93)), `99 k=${'x'.repeat(93)}\n`);
  assert.equal(paxRecord('k', 'x'.repeat(94)), `101 k=${'x'.repeat(94)}\n`); // the length's own digits roll over
});

test('the archive file writer: appends, rewrites a reserved header, moves data for a longer one, truncates', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'positional-'));
  try {
    const file = path.join(dir, 'f');
    const fh = await fsp.open(file, 'w+');
    const w = new PositionalWriter(fh);
    const data = Buffer.alloc((5 << 20) / 2 + 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
    await w.write(Buffer.from('head'));
    await w.write(Buffer.alloc(BLOCK)); // reserved
    for (let at = 0; at < data.length; at += 70_000) await w.write(data.subarray(at, at + 70_000));
    await w.shift(4 + BLOCK, 2 * BLOCK); // the header turned out three blocks long
    await w.writeAt(Buffer.alloc(3 * BLOCK, 0x68), 4);
    await w.write(Buffer.from('tail'));
    const kept = w.pos;
    await w.write(Buffer.from('dropped'));
    await w.truncate(kept);
    await w.write(Buffer.from('!'));
    await w.flush();
    await fh.close();
    assert.deepEqual(fs.readFileSync(file), Buffer.concat([Buffer.from('head'), Buffer.alloc(3 * BLOCK, 0x68), data, Buffer.from('tail!')]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("Go's JSON: HTML escaping, compacted raw values, sorted map keys, last duplicate key wins", () => {
  assert.equal(goString('a<b>&"\\\n\u2028é\u0001'), '"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\u2028é\\u0001"');
  assert.equal(goCompact('{ "a" : [ 1 , "x y<" ] ,\n "b":"\\"<"}'), '{"a":[1,"x y\\u003c"],"b":"\\"\\u003c"}');
  assert.equal(goMarshalMap({ b: '1', a: { d: null, c: 'x' } }), '{"a":{"c":"x","d":null},"b":"1"}');
  const m = rawMembers('{ "os" : "linux", "config": {"A": [1, 2]}, "os": "plan9", "x\\u0041": 1 }');
  assert.equal(m.get('os'), '"plan9"');
  assert.equal(m.get('config'), '{"A": [1, 2]}');
  assert.equal(m.get('xA'), '1');
  assert.throws(() => rawMembers('[1]'), /not a JSON object/);
  assert.throws(() => rawMembers('{"a":'));
});

test('legacy layer ids, json files, manifest.json and repositories equal skopeo 1.9 output', () => {
  const config = fs.readFileSync(`${FIXTURES}/odd-config.json`, 'utf8');
  const golden = JSON.parse(fs.readFileSync(`${FIXTURES}/odd-skopeo.json`, 'utf8')) as {
    diffIds: string[];
    legacy: { id: string; json: string }[];
    manifest: string;
    repositories: string;
  };
  assert.deepEqual(legacyLayers(golden.diffIds, config), golden.legacy);
  const configMember = `${createHash('sha256').update(config).digest('hex')}.json`;
  const layerMembers = golden.diffIds.map((d) => `${d.slice(7)}.tar`);
  assert.equal(manifestJson(configMember, ['docker.io/foo/bar:1'], layerMembers), golden.manifest);
  assert.equal(repositoriesJson('docker.io/foo/bar', '1', golden.legacy.at(-1)!.id), golden.repositories);
  assert.equal(repositoriesJson('docker.io/foo/bar', 'raw', 'x'), '{"docker.io/foo/bar":{"raw":"x"}}');
  assert.equal(repositoriesJson('docker.io/foo/bar', '1', undefined), '{}');
  // The first id is the digest of {"layer_id": <diff_id>}.
  assert.equal(golden.legacy[0]!.id, createHash('sha256').update(`{"layer_id":"${golden.diffIds[0]}"}`).digest('hex'));
});

test('compression is recognised by content, not by media type', () => {
  assert.equal(sniffCompression(Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0])), 'gzip');
  assert.equal(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
  assert.equal(sniffCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(sniffCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
  assert.equal(sniffCompression(Buffer.from('bin/hello\0\0\0')), 'none');
  assert.equal(sniffCompression(Buffer.alloc(0)), 'none');
});

test('a manifest list entry is chosen like containers/image: plain variant first, then known variants in order', () => {
  const d = (architecture: string, variant?: string, os = 'linux', annotations?: Record<string, string>): Descriptor => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${createHash('sha256').update(`${os}${architecture}${variant}${JSON.stringify(annotations)}`).digest('hex')}`,
    size: 1,
    platform: { os, architecture, ...(variant ? { variant } : {}) },
    ...(annotations ? { annotations } : {}),
  });
  const list = [d('amd64'), d('arm', 'v6'), d('arm', 'v7'), d('arm64', 'v8'), d('amd64', undefined, 'windows')];
  assert.equal(chooseInstance(list, 'linux', 'amd64'), list[0]);
  assert.equal(chooseInstance(list, 'windows', 'amd64'), list[4]);
  assert.equal(chooseInstance(list, 'linux', 'arm'), list[2]); // v7 before v6
  assert.equal(chooseInstance(list, 'linux', 'arm64'), list[3]); // "" then v8
  assert.equal(chooseInstance(list, 'linux', 's390x'), undefined);
  assert.equal(chooseInstance([d('arm64', 'v8'), d('arm64')], 'linux', 'arm64')!.platform!.variant, undefined);
  const zstd = d('amd64', undefined, 'linux', { 'io.github.containers.compression.zstd': 'true' });
  assert.equal(chooseInstance([zstd, list[0]!], 'linux', 'amd64'), list[0]);
  assert.equal(chooseInstance([{ ...list[0]!, platform: undefined } as unknown as Descriptor], 'linux', 'amd64'), undefined);
});

test("attributes: the manual's names and defaults; Docker Hub names normalised as skopeo does", () => {
  assert.deepEqual(Object.keys(PULL_IMAGE_ATTRIBUTES), ['imageName', 'imageDigest', 'sha256', 'finalImageName', 'finalImageTag', 'os', 'arch', 'tlsVerify', 'name']);
  const a = PULL_IMAGE_ATTRIBUTES;
  assert.equal(a.imageName.required && a.imageDigest.required && a.sha256.required, true);
  assert.deepEqual([a.finalImageTag.default, a.os.default, a.tlsVerify.default, a.finalImageName.default, a.arch.default, a.name.default], ['latest', 'linux', true, null, null, null]);

  const digest = `sha256:${'a'.repeat(64)}`;
  const hash = '0'.repeat(52);
  const r = resolvePullImageSpec({ imageName: 'nginx', imageDigest: digest, sha256: hash }, 'arm64');
  assert.deepEqual(r.source, { registry: 'docker.io', repository: 'library/nginx' });
  assert.equal(r.finalImageName, 'nginx');
  assert.equal(r.finalImageTag, 'latest');
  assert.equal(r.repoName, 'docker.io/library/nginx');
  assert.equal(r.name, 'docker-image-nginx-latest.tar');
  assert.equal(r.arch, 'arm64');
  assert.equal(r.os, 'linux');
  assert.equal(r.tlsVerify, true);
  const q = resolvePullImageSpec({ imageName: 'quay.io/coreos/etcd', imageDigest: digest, sha256: hash, finalImageName: 'etcd', finalImageTag: 'v3.5.11', arch: 'amd64', tlsVerify: false, name: 'etcd.tar' });
  assert.deepEqual(q.source, { registry: 'quay.io', repository: 'coreos/etcd' });
  assert.equal(q.repoName, 'docker.io/library/etcd');
  assert.equal(q.name, 'etcd.tar');
  assert.equal(defaultPullImageName('localhost:5000/a/b', 'v1'), 'docker-image-localhost-5000-a-b-v1.tar');
  assert.equal(archiveRepoName('localhost:5000/a/b', 'v1'), 'localhost:5000/a/b');
  assert.equal(archiveRepoName('docker.io/nixos/nix', '2.19.3'), 'docker.io/nixos/nix');
  // As skopeo 1.9 normalises them (checked with `skopeo copy ... docker-archive:F:NAME:1`).
  assert.equal(archiveRepoName('Foo.io/bar', '1'), 'Foo.io/bar');
  assert.equal(archiveRepoName('Foo:5000/bar', '1'), 'Foo:5000/bar');
  assert.equal(archiveRepoName('index.docker.io/x', '1'), 'docker.io/library/x');
  assert.equal(archiveRepoName('x/y/z', '1'), 'docker.io/x/y/z');

  const bad: [Record<string, unknown>, RegExp][] = [
    [{ imageName: 'nginx:1.25' }, /attribute 'imageName'.*tag or digest/],
    [{ imageName: 'Nginx/X' }, /attribute 'imageName'/],
    [{ imageDigest: 'sha256:abc' }, /attribute 'imageDigest'/],
    [{ sha256: 'nope' }, /attribute 'sha256'/],
    [{ finalImageName: 'Foo/bar' }, /attribute 'finalImageName'.*lowercase/],
    [{ finalImageName: 'foo:1' }, /attribute 'finalImageName'/],
    [{ finalImageName: 'Foo.io/Bar' }, /attribute 'finalImageName'.*lowercase/],
    [{ finalImageTag: 'a b' }, /attribute 'finalImageTag'/],
    [{ name: 'a/b.tar' }, /attribute 'name'/],
  ];
  for (const [override, re] of bad) {
    assert.throws(() => resolvePullImageSpec({ imageName: 'nginx', imageDigest: digest, sha256: hash, ...override } as never), re, JSON.stringify(override));
  }
});

test('prefetch: nix-prefetch-docker arguments and output format', async () => {
  const p = parsePrefetchArgs(['nixos/nix', '2.19.3', '--arch', 'arm64', '--final-image-tag=x', '--json', '--tls-verify', 'false']);
  assert.deepEqual(p.opts, { imageName: 'nixos/nix', imageTag: '2.19.3', arch: 'arm64', finalImageTag: 'x', tlsVerify: false });
  assert.equal(p.json, true);
  const d = parsePrefetchArgs(['a', `sha256:${'b'.repeat(64)}`, '--tls-verify', '--quiet']);
  assert.deepEqual(d.opts, { imageName: 'a', imageDigest: `sha256:${'b'.repeat(64)}`, tlsVerify: true });
  assert.equal(d.quiet, true);
  assert.throws(() => parsePrefetchArgs(['--bogus']), /unknown flag/);
  assert.throws(() => parsePrefetchArgs(['--os']), /needs a value/);
  assert.throws(() => parsePrefetchArgs(['--hash-format', 'base99']), /hash-format/);

  assert.equal(
    nixAttrs({ imageName: 'nixos/nix', imageDigest: 'sha256:49', sha256: '1q6c', finalImageName: 'nixos/nix', finalImageTag: 'latest' }),
    '{\n  imageName = "nixos/nix";\n  imageDigest = "sha256:49";\n  sha256 = "1q6c";\n  finalImageName = "nixos/nix";\n  finalImageTag = "latest";\n}\n',
  );

  const io = () => {
    const o = { out: '', err: '' };
    return { o, io: { stdout: { write: (s: string) => (o.out += s) }, stderr: { write: (s: string) => (o.err += s) }, env: {} } };
  };
  const help = io();
  assert.equal(await runPrefetchCli(['--help'], help.io), 0);
  assert.match(help.o.out, /--image-name/);
  const none = io();
  assert.equal(await runPrefetchCli([], none.io), 2);
  assert.match(none.o.err, /no image name/);
  const badFlag = io();
  assert.equal(await runPrefetchCli(['--nope'], badFlag.io), 2);
  const badName = io();
  assert.equal(await runPrefetchCli(['--image-name', 'UPPER/x'], badName.io), 2);
  assert.match(badName.o.err, /attribute 'imageName'/);
  assert.equal(badName.o.out, '');
});
