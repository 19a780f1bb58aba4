// The action's `sbom` and `provenance` inputs through the committed bundles: the files
// are outputs, the job summary counts the store paths, and the pushed image carries the
// SBOM and provenance where Debian 13's `docker buildx imagetools inspect` finds them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { skopeoRaw, startRegistry, type TestRegistry } from './helpers/registry.ts';
import { debian13Tools } from './helpers/runnerEnv.ts';
import { Job, type StepResult } from './helpers/actionRunner.ts';

const exec = promisify(execFile);
useOfflineNix();
let fx: NixFixtures;
let registry: TestRegistry;
let debian13: string;
const jobs: Job[] = [];
before(async () => {
  [fx, registry, debian13] = await Promise.all([nixFixtures(), startRegistry({ mode: 'http' }), debian13Tools()]);
});
after(async () => {
  await registry?.stop();
  jobs.forEach((j) => j.remove());
});

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);

test('sbom + provenance: files as outputs, counted in the summary, attached to the pushed image; annotations of every level where buildx puts them', async () => {
  const j = new Job({ env: { GITHUB_SHA: 'a'.repeat(40), GITHUB_WORKFLOW_REF: 'example/nix-docker-action/.github/workflows/ci.yml@refs/heads/main' } });
  jobs.push(j);
  const ref = `${registry.host}/act/sbom:1`;
  const annotations = 'manifest:org.opencontainers.image.title=hello\nindex:org.opencontainers.image.description=hello and its attestations\nmanifest-descriptor:org.opencontainers.image.title=hello\n';
  const r = await j.main({ name: 'hello', tag: '1', contents: fx.hello, push: 'true', tags: ref, annotations, 'tls-verify': 'false', sbom: 'true', provenance: 'max', cache: 'false' });
  ok(r);
  assert.deepEqual(r.annotations.filter((a) => a.level !== 'notice'), []);
  assert.equal(r.outputs.sbom, path.join(j.runnerTemp, 'hello.spdx.json'));
  assert.equal(r.outputs['sbom-cyclonedx'], path.join(j.runnerTemp, 'hello.cdx.json'));
  const spdx = JSON.parse(fs.readFileSync(r.outputs.sbom!, 'utf8'));
  assert.ok(spdx.packages.some((p: any) => p.packageFileName === fx.hello));
  assert.match(r.summary, /Bill of materials \(3 store paths\)/);
  assert.match(r.summary, /busybox/);

  const provenance = JSON.parse(fs.readFileSync(r.outputs.provenance!, 'utf8'));
  const pushed = JSON.parse(r.outputs.pushed!)[0];
  assert.equal(`sha256:${provenance.subject[0].digest.sha256}`, pushed.imageDigest);
  assert.equal(provenance.predicate.runDetails.builder.id, 'https://github.com/example/nix-docker-action/.github/workflows/ci.yml@refs/heads/main');
  assert.equal(r.outputs.digest, pushed.digest, 'the index: what the tag names');
  assert.equal(JSON.parse(r.outputs.metadata!)['containerimage.digest'], pushed.digest);

  // The index carries the index annotations, its entry for the image the descriptor ones, the image manifest its own.
  const index = JSON.parse((await skopeoRaw(ref)).toString());
  assert.deepEqual(index.annotations, { 'org.opencontainers.image.description': 'hello and its attestations' });
  const entry = index.manifests.find((m: any) => m.digest === pushed.imageDigest);
  assert.deepEqual(entry.annotations, { 'org.opencontainers.image.title': 'hello' });
  const image = JSON.parse((await skopeoRaw(`${registry.host}/act/sbom@${pushed.imageDigest}`)).toString());
  assert.deepEqual(image.annotations, { 'org.opencontainers.image.title': 'hello' });

  const inspect = async (what: string) => JSON.parse((await exec(debian13, ['docker', 'buildx', 'imagetools', 'inspect', '--format', `{{json .${what}}}`, ref], { cwd: j.workspace })).stdout);
  assert.deepEqual((await inspect('SBOM')).SPDX, spdx);
  assert.deepEqual((await inspect('Provenance')).SLSA, provenance.predicate);
});

test('a bad provenance or attestations value, or an SBOM of an image not built here, fails naming the input', async () => {
  const j = new Job({});
  jobs.push(j);
  const bad = await j.main({ name: 'hello', contents: fx.hello, provenance: 'always' });
  assert.equal(bad.status, 1);
  assert.match(bad.annotations.find((a) => a.level === 'error')?.message ?? '', /^input 'provenance': expected false, min or max, got 'always'/);
  const mode = await j.main({ name: 'hello', contents: fx.hello, sbom: 'true', attestations: 'sideways' });
  assert.equal(mode.status, 1);
  assert.match(mode.annotations.find((a) => a.level === 'error')?.message ?? '', /^input 'attestations': expected one of index, referrers, got 'sideways'/);
  const notBuilt = await j.main({ image: fx.hello, sbom: 'true' });
  assert.equal(notBuilt.status, 1);
  assert.match(notBuilt.annotations.find((a) => a.level === 'error')?.message ?? '', /^input 'sbom': only for images this step builds/);
});
