// Multi-platform images through the action's committed bundles: `platforms` pushing one
// index (skopeo reads it; the outputs carry its digest and each platform's), the matrix
// pattern (two jobs pushing by digest, a third merging them with `function: manifest`)
// giving the same index, `load` of the runner's own platform, the OCI archive (read by
// skopeo, uploaded as an artifact), the layer cache per platform across runners, and
// SBOM and provenance per platform (files, outputs, attestation manifests in the index).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getInputs } from '../src/action/inputs.ts';
import { artifactName } from '../src/sinks/artifact.ts';
import { dockerRun, removeImage } from './helpers/docker.ts';
import { allowAarch64Builds, multiarchFlake } from './helpers/multiarch.ts';
import { nixAvailable, useOfflineNix } from './helpers/nixFixtures.ts';
import { skopeoInspect, skopeoRaw, startRegistry, type TestRegistry } from './helpers/registry.ts';
import { startArtifactServer, type ArtifactServer } from './helpers/artifactServer.ts';
import { startCacheServer, type CacheServer } from './helpers/cacheServer.ts';
import { Job, runtimeToken, type StepResult } from './helpers/actionRunner.ts';

const run = promisify(execFile);
const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const errorOf = (r: StepResult) => r.annotations.find((a) => a.level === 'error')?.message ?? '';

const env = (inputs: Record<string, string>): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));

test('inputs: platforms, push-by-digest and function: manifest, each mistake naming its input', () => {
  const i = getInputs(env({ name: 'app', platforms: 'linux/amd64,linux/arm64', push: 'true', tags: 'r.example/app', 'push-by-digest': 'true' }));
  assert.deepEqual(i.platforms, {
    platforms: [
      { os: 'linux', architecture: 'amd64', system: 'x86_64-linux' },
      { os: 'linux', architecture: 'arm64', system: 'aarch64-linux' },
    ],
    byDigest: true,
  });
  assert.equal(getInputs(env({ name: 'app' })).platforms, null);
  const attested = getInputs(env({ name: 'app', platforms: 'linux/amd64,linux/arm64', sbom: 'true', provenance: 'max', attestations: 'referrers' }));
  assert.deepEqual([attested.platforms?.platforms.length, attested.sbom, attested.provenance, attested.attestations], [2, true, 'max', 'referrers']);
  const m = getInputs(env({ function: 'manifest', sources: `r.example/app@sha256:${'a'.repeat(64)}\nsha256:${'b'.repeat(64)}`, push: 'true', tags: 'r.example/app:1.0' }));
  assert.deepEqual(m.target, { kind: 'manifest', sources: [{ ref: { registry: 'r.example', repository: 'app', digest: `sha256:${'a'.repeat(64)}` } }, { digest: `sha256:${'b'.repeat(64)}` }] });

  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'a', platforms: 'linux/amd64,windows/amd64' }, /^input 'platforms': 'windows\/amd64': only linux images/],
    [{ function: 'buildNixShellImage', drv: `/nix/store/${'a'.repeat(32)}-x.drv`, platforms: 'linux/arm64' }, /^input 'platforms': buildNixShellImage builds for one platform; buildLayeredImage, streamLayeredImage, buildLayeredImageWithNixDb, buildImage, buildImageWithNixDb take platforms$/],
    [{ function: 'buildImage', name: 'a', runAsRoot: 'touch /x', platforms: 'linux/arm64' }, /^attribute 'runAsRoot': its VM runs this machine's kernel and binaries/],
    [{ name: 'a', fromImage: './base.tar', platforms: 'linux/arm64' }, /^attribute 'fromImage': a base image archive holds one platform/],
    [{ image: './result', platforms: 'linux/arm64' }, /^input 'platforms': not used with 'image'/],
    [{ name: 'a', 'push-by-digest': 'true', push: 'true', tags: 'r.example/a' }, /^input 'push-by-digest': goes with 'platforms'/],
    [{ name: 'a', platforms: 'linux/arm64', 'push-by-digest': 'true' }, /^input 'push-by-digest': needs push/],
    [{ name: 'a', platforms: 'linux/arm64', load: 'true' }, /^input 'load': Docker loads the runner's own platform \(linux\/amd64\), which 'platforms' does not list$/],
    [{ name: 'a', platforms: 'linux/arm64', format: 'docker' }, /^input 'format': a multi-platform image is an OCI index/],
    [{ function: 'manifest', push: 'true', tags: 'r.example/a:1' }, /^input 'sources': is required with function: manifest/],
    [{ function: 'manifest', sources: 'sha256:1234', push: 'true', tags: 'r.example/a:1' }, /^input 'sources': 'sha256:1234' is not a digest/],
    [{ function: 'manifest', sources: `sha256:${'a'.repeat(64)}` }, /^input 'push': function: manifest pushes an index: set push: true/],
    [{ function: 'manifest', sources: `sha256:${'a'.repeat(64)}`, push: 'true', tags: 'r.example/a:1', name: 'x' }, /^input 'name': not used with function: manifest/],
    [{ function: 'manifest', sources: `sha256:${'a'.repeat(64)}`, push: 'true', tags: 'r.example/a:1', load: 'true' }, /^input 'load': not used with function: manifest/],
  ];
  for (const [inputs, message] of cases) assert.throws(() => getInputs(env(inputs)), (e: Error) => message.test(e.message), JSON.stringify(inputs));
  // The artifact of a multi-platform image keeps the archive's `.oci.tar` ending.
  assert.equal(artifactName('/t/multi.oci.tar', 'image'), 'image.oci.tar');
});

describe('multi-platform images through the action (Nix, registry, skopeo, Docker)', { skip: nixAvailable() ? false : 'Nix is not installed' }, () => {
  let reg: TestRegistry;
  let cacheServer: CacheServer;
  let artifacts: ArtifactServer;
  let flake: string;
  let tmp: string;
  const jobs: Job[] = [];
  let oneStep: StepResult;

  const image = () => ({ name: 'multi', tag: '1.0', contents: `path:${flake}#app\npath:${flake}#busybox`, config: 'Cmd: [/bin/app]', 'tls-verify': 'false', cache: 'false' });
  const job = (e: NodeJS.ProcessEnv = {}, runnerTemp?: string) => {
    const j = new Job({ env: e, ...(runnerTemp ? { runnerTemp } : {}) });
    jobs.push(j);
    return j;
  };

  before(async () => {
    useOfflineNix();
    allowAarch64Builds();
    flake = multiarchFlake();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'action-platforms-'));
    [reg, cacheServer] = await Promise.all([startRegistry({ mode: 'http' }), startCacheServer()]);
    artifacts = await startArtifactServer({ forward: cacheServer.url });
  });
  after(async () => {
    await Promise.all([reg?.stop(), cacheServer?.stop(), artifacts?.stop()]);
    jobs.forEach((j) => j.remove());
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(flake, { recursive: true, force: true });
  });

  test('platforms + push: every platform and the index under every tag; outputs carry the index and each manifest; a summary section per platform', async () => {
    const repo = `${reg.host}/act/multi`;
    const services = { ACTIONS_RESULTS_URL: artifacts.url, ACTIONS_RUNTIME_TOKEN: runtimeToken(), GITHUB_SERVER_URL: 'https://github.com' };
    oneStep = await job(services).main({ ...image(), platforms: 'linux/amd64,linux/arm64', push: 'true', tags: `${repo}:1.0\n${repo}:latest`, artifact: 'multi-image' });
    ok(oneStep);
    const raw = await skopeoRaw(`${repo}:1.0`);
    const index = JSON.parse(raw.toString('utf8'));
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map((m: any) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux' },
      ],
    );
    assert.equal(sha256(raw), oneStep.outputs.digest);
    assert.ok((await skopeoRaw(`${repo}:latest`)).equals(raw));
    const platforms = JSON.parse(oneStep.outputs.platforms!);
    assert.deepEqual(
      platforms.map((p: any) => [p.platform, p.digest]),
      index.manifests.map((m: any) => [`linux/${m.platform.architecture}`, m.digest]),
    );
    assert.equal(oneStep.outputs['image-id'], platforms.map((p: any) => p.image_id).join(' '));
    for (const [arch, p] of [['amd64', platforms[0]], ['arm64', platforms[1]]]) {
      const inspected = await skopeoInspect(`${repo}:1.0`, { overrideArch: arch });
      assert.equal(inspected.Architecture, arch);
      const layers = JSON.parse(oneStep.outputs.layers!).filter((l: any) => l.platform === p.platform);
      assert.deepEqual(inspected.Layers, layers.map((l: any) => l.digest));
      assert.ok(layers.some((l: any) => l.paths.some((s: string) => s.endsWith(`-busybox-${arch === 'amd64' ? 'x86_64' : 'aarch64'}-linux`))));
    }
    const pushed = JSON.parse(oneStep.outputs.pushed!);
    // One entry per manifest pushed (the index, in one repository), with every reference given for it.
    assert.deepEqual(pushed.map((p: any) => [p.refs, p.digest]), [[[`${repo}:1.0`, `${repo}:latest`], oneStep.outputs.digest]]);
    assert.deepEqual(pushed[0].tags, ['1.0', 'latest']);
    assert.ok(pushed[0].uploaded > 0);
    for (const p of ['linux/amd64', 'linux/arm64']) assert.match(oneStep.summary, new RegExp(`<h4>${p.replace('/', '\\/')}</h4>`));
    assert.match(oneStep.summary, new RegExp(`Manifest <code>${platforms[1].digest}</code>`));

    // The archive: an OCI layout with the same index, which skopeo copies into Docker; uploaded as it is.
    assert.match(oneStep.outputs.archive!, /\/multi\.oci\.tar$/);
    assert.equal(oneStep.outputs['artifact-name'], 'multi-image.oci.tar');
    const stored = artifacts.artifacts().find((a) => String(a.id) === oneStep.outputs['artifact-id']);
    assert.ok(stored?.bytes?.equals(fs.readFileSync(oneStep.outputs.archive!)), 'the artifact is the archive');
    const daemon = process.env.DOCKER_HOST ? ['--dest-daemon-host', process.env.DOCKER_HOST] : [];
    await removeImage('multi-action-oci:amd64');
    await run('skopeo', ['--override-arch', 'amd64', 'copy', ...daemon, `oci-archive:${oneStep.outputs.archive}:1.0`, 'docker-daemon:multi-action-oci:amd64']);
    assert.equal((await dockerRun('multi-action-oci:amd64')).trim(), 'Hello from x86_64-linux');
    await removeImage('multi-action-oci:amd64');
  });

  test('the matrix pattern: two jobs push by digest, a third merges them into the one-step index under the tags', async () => {
    assert.ok(oneStep, 'the one-step build ran');
    const repo = `${reg.host}/act/matrix`;
    const digests: string[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const r = await job().main({ ...image(), platforms: platform, push: 'true', tags: repo, 'push-by-digest': 'true' });
      ok(r);
      assert.match(r.outputs.digest!, /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual(JSON.parse(r.outputs.pushed!).map((p: any) => [p.reference, p.tags]), [[`${repo}@${r.outputs.digest}`, []]]);
      assert.match(r.stdout, /\(by digest\)/);
      digests.push(r.outputs.digest!);
    }
    await assert.rejects(skopeoRaw(`${repo}:latest`), /manifest unknown|not found/i, 'nothing tagged by the matrix jobs');

    // One source as a full reference, one as a bare digest (in the repository pushed to).
    const merge = await job().main({ function: 'manifest', sources: `${repo}@${digests[0]}\n${digests[1]}`, push: 'true', tags: `${repo}:1.0,${repo}:latest`, 'tls-verify': 'false' });
    ok(merge);
    assert.equal(merge.outputs.digest, oneStep.outputs.digest, 'the same index as the one-step build');
    assert.equal(sha256(await skopeoRaw(`${repo}:latest`)), oneStep.outputs.digest);
    assert.deepEqual(
      JSON.parse(merge.outputs.platforms!).map((p: any) => [p.platform, p.digest]),
      JSON.parse(oneStep.outputs.platforms!).map((p: any) => [p.platform, p.digest]),
    );
    assert.match(merge.summary, /<h4>linux\/arm64<\/h4>/);

    const missing = await job().main({ function: 'manifest', sources: `sha256:${'0'.repeat(64)}`, push: 'true', tags: `${repo}:2`, 'tls-verify': 'false' });
    assert.equal(missing.status, 1);
    assert.match(errorOf(missing), new RegExp(`^input 'sources': ${repo.replace(/[.]/g, '\\.')}@sha256:0{64}: `));
  });

  test('platforms + sbom + provenance: per-platform files in the outputs, one attestation manifest per platform in the pushed index, a section each in the summary', async () => {
    const repo = `${reg.host}/act/attested`;
    const j = job();
    const r = await j.main({ ...image(), platforms: 'linux/amd64,linux/arm64', push: 'true', tags: `${repo}:1.0`, sbom: 'true', provenance: 'min' });
    ok(r);
    const raw = await skopeoRaw(`${repo}:1.0`);
    assert.equal(sha256(raw), r.outputs.digest);
    const index = JSON.parse(raw.toString('utf8'));
    const platforms = JSON.parse(r.outputs.platforms!);
    assert.deepEqual(index.manifests.map((m: any) => m.digest), [...platforms.map((p: any) => p.digest), ...platforms.map((p: any) => p.attestation_digest)]);
    for (const [i, p] of platforms.entries()) {
      assert.equal(index.manifests[2 + i].annotations['vnd.docker.reference.digest'], p.digest);
      const suffix = p.platform.replace('/', '-');
      assert.equal(p.sbom, path.join(j.runnerTemp, `multi.${suffix}.spdx.json`));
      assert.equal(p.sbom_cyclonedx, path.join(j.runnerTemp, `multi.${suffix}.cdx.json`));
      assert.equal(p.provenance, path.join(j.runnerTemp, `multi.${suffix}.provenance.json`));
      assert.equal(`sha256:${JSON.parse(fs.readFileSync(p.provenance, 'utf8')).subject[0].digest.sha256}`, p.digest);
      const names = JSON.parse(fs.readFileSync(p.sbom, 'utf8')).packages.map((x: any) => x.packageFileName ?? '');
      assert.ok(names.some((n: string) => n.endsWith(`-busybox-${i === 0 ? 'x86_64' : 'aarch64'}-linux`)), `${p.platform}: its own busybox`);
      assert.match(r.summary, new RegExp(`${p.platform.replace('/', '\\/')}: bill of materials \\(\\d+ store paths\\)`));
    }
    // The single-path outputs keep naming one file: the first platform's.
    assert.equal(r.outputs.sbom, platforms[0].sbom);
    assert.equal(r.outputs['sbom-cyclonedx'], platforms[0].sbom_cyclonedx);
    assert.equal(r.outputs.provenance, platforms[0].provenance);
    assert.equal((await skopeoInspect(`${repo}:1.0`, { overrideArch: 'arm64' })).Architecture, 'arm64');
  });

  test("load: the runner's own platform goes into Docker, and the log says so", async () => {
    await removeImage('multi-load:2');
    const r = await job().main({ ...image(), name: 'multi-load', tag: '2', platforms: 'linux/arm64,linux/amd64', load: 'true' });
    ok(r);
    assert.match(r.stdout, /Loading linux\/amd64 \(this machine's platform\) into Docker; the archive and registries hold every platform/);
    assert.equal((await dockerRun('multi-load:2')).trim(), 'Hello from x86_64-linux');
    await removeImage('multi-load:2');

    const arm = await job().main({ ...image(), platforms: 'linux/arm64', load: 'true' });
    assert.equal(arm.status, 1);
    assert.match(errorOf(arm), /^input 'load': Docker loads the runner's own platform \(linux\/amd64\), which 'platforms' does not list$/);
  });

  test('the layer cache per platform: a fresh runner restores every layer of both platforms and gives the same index', async () => {
    const runnerTemp = path.join(tmp, 'runner-temp');
    const cacheEnv = { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: cacheServer.url, ACTIONS_RUNTIME_TOKEN: runtimeToken(), GITHUB_SERVER_URL: 'https://github.com' };
    const inputs = { ...image(), cache: 'true', 'cache-key-prefix': 'multi', platforms: 'linux/amd64,linux/arm64' };
    const fresh = () => {
      fs.rmSync(runnerTemp, { recursive: true, force: true });
      fs.mkdirSync(runnerTemp, { recursive: true });
      return job(cacheEnv, runnerTemp);
    };
    const cold = fresh();
    const first = await cold.main(inputs);
    ok(first);
    const layers1 = JSON.parse(first.outputs.layers!);
    assert.ok(layers1.length >= 4 && layers1.every((l: any) => !l.cached));
    const save = await cold.post(inputs);
    ok(save);
    assert.match(save.summary, new RegExp(`\\(${layers1.length} layers, `));

    const warm = fresh();
    const second = await warm.main(inputs);
    ok(second);
    const layers2 = JSON.parse(second.outputs.layers!);
    assert.ok(layers2.every((l: any) => l.cached), 'every layer of both platforms from the cache');
    assert.deepEqual(layers2.map((l: any) => [l.platform, l.digest]), layers1.map((l: any) => [l.platform, l.digest]));
    assert.equal(second.outputs.digest, first.outputs.digest);
    assert.match(second.stdout, new RegExp(`^Layers: ${layers1.length} \\(${layers1.length} from the layer cache, 0 produced\\)$`, 'm'));
    assert.match(second.summary, /<td>hit<\/td>/);
  });
});
