// A pulled image in use: an image of real Nix store paths (busybox, hello) built with our
// CLI, pushed to a registry with skopeo (which gzips its layers), pulled with pullImage;
// the archive loads into Docker and runs, and serves as `fromImage` of buildLayeredImage.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { pullImage } from '../src/functions/pullImage.ts';
import { toNixBase32 } from '../src/functions/pullImage/nixHash.ts';
import { readArchive } from './helpers/archive.ts';
import { nixDockerOk } from './helpers/cli.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { sha256Of, skopeoArchive } from './helpers/pull.ts';
import { skopeoInspect, startRegistry, type TestRegistry } from './helpers/registry.ts';

const run = promisify(execFile);
useOfflineNix();

let reg: TestRegistry;
let fx: NixFixtures;
let tmp: string;
let digest: string;
let imageName: string;

before(async () => {
  fx = await nixFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-image-docker-'));
  reg = await startRegistry({ mode: 'http' });
  const src = path.join(tmp, 'hello.tar');
  await nixDockerOk([
    'buildLayeredImage', '--name', 'pull-src', '--tag', 'v1', '--contents', fx.hello, '--contents', fx.busybox,
    '--config', JSON.stringify({ Cmd: ['/bin/hello'] }), '--compressor', 'none', '--out', src,
  ]);
  imageName = `${reg.host}/nix/hello`;
  await run('skopeo', ['copy', '--insecure-policy', '--dest-tls-verify=false', `docker-archive:${src}`, `docker://${imageName}:v1`]);
  digest = (await skopeoInspect(`${imageName}:v1`)).Digest;
});
after(async () => {
  await reg?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the pulled archive loads into Docker and runs', async () => {
  const reference = await skopeoArchive({ source: `${imageName}@${digest}`, finalImageName: 'pulled-hello', finalImageTag: 'v1' });
  const out = path.join(tmp, 'pulled.tar');
  const r = await pullImage({ imageName, imageDigest: digest, sha256: toNixBase32(sha256Of(reference)), finalImageName: 'pulled-hello', finalImageTag: 'v1', tlsVerify: false }, { out });
  assert.ok(fs.readFileSync(out).equals(reference));
  assert.ok(r.layers.length >= 3);
  await removeImage('pulled-hello:v1');
  const loaded = await docker('load', '-i', out);
  assert.match(loaded, /pulled-hello:v1/);
  assert.equal((await dockerRun('pulled-hello:v1')).trim(), 'Hello, world!');
  await removeImage('pulled-hello:v1');
});

test('the pulled archive as fromImage of buildLayeredImage: its layers come first, and the image runs', async () => {
  const reference = await skopeoArchive({ source: `${imageName}@${digest}`, finalImageName: imageName, finalImageTag: 'latest' });
  const base = path.join(tmp, 'base.tar');
  await pullImage({ imageName, imageDigest: digest, sha256: toNixBase32(sha256Of(reference)), tlsVerify: false }, { out: base });
  const baseView = await readArchive(base);
  const child = path.join(tmp, 'child.tar.gz');
  await nixDockerOk([
    'buildLayeredImage', '--name', 'pull-child', '--tag', 'c', '--fromImage', base, '--contents', fx.libgreet,
    '--config', JSON.stringify({ Cmd: ['/bin/sh', '-c', 'hello && ls /share/libgreet'] }), '--out', child, '--load',
  ]);
  const view = await readArchive(child);
  const n = baseView.config.rootfs.diff_ids.length;
  assert.deepEqual(view.config.rootfs.diff_ids.slice(0, n), baseView.config.rootfs.diff_ids);
  assert.equal((await dockerRun('pull-child:c')).trim(), 'Hello, world!\ngreeting');
  await removeImage('pull-child:c');
});
