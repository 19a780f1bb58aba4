// Multi-platform images on real components: the fixture flake's app for x86_64-linux and
// aarch64-linux (Debian's arm64 busybox), pushed to a local registry as one index, written
// as an OCI archive that skopeo copies into Docker, and the matrix pattern (one push by
// digest per platform, then the merge) giving the same index; SBOM and provenance per
// platform, in the index (BuildKit's layout, read by buildx imagetools) or as referrers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { buildPlatforms, type PlatformsReport } from '../src/functions/platforms.ts';
import { parsePlatforms } from '../src/image/platform.ts';
import { elfMachine } from '../src/nix/systemCheck.ts';
import { fetchBlob } from '../src/registry/blobs.ts';
import { openRegistry } from '../src/registry/client.ts';
import { pushIndex } from '../src/registry/multiarch.ts';
import { parseReference } from '../src/registry/reference.ts';
import { parseSpec, type LayeredImageSpec, type RawAttributes } from '../src/spec/index.ts';
import { silentLogger } from '../src/util/log.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { allowAarch64Builds, multiarchFlake } from './helpers/multiarch.ts';
import { nixDockerOk } from './helpers/cli.ts';
import { nixAvailable, useOfflineNix } from './helpers/nixFixtures.ts';
import { skopeoInspect, skopeoRaw, startRegistry, type TestRegistry } from './helpers/registry.ts';
import { debian13Tools } from './helpers/runnerEnv.ts';

const run = promisify(execFile);
const log = silentLogger;

/** Docker runs arm64 images here when the kernel hands aarch64 ELF files to qemu (scripts/setup.sh registers it). */
const QEMU_AARCH64 = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
const qemuAarch64 = (): boolean => {
  try {
    return fs.readFileSync(QEMU_AARCH64, 'utf8').startsWith('enabled');
  } catch {
    return false;
  }
};

describe('multi-platform images (Nix, registry, skopeo, Docker)', { skip: nixAvailable() ? false : 'Nix is not installed' }, () => {
  let reg: TestRegistry;
  let flake: string;
  let tmp: string;
  let spec: LayeredImageSpec;
  let oneStep: PlatformsReport;
  const both = parsePlatforms('linux/amd64,linux/arm64');

  before(async () => {
    useOfflineNix();
    allowAarch64Builds();
    flake = multiarchFlake();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-docker-platforms-'));
    reg = await startRegistry({ mode: 'http' });
    const raw: RawAttributes = new Map([
      ['name', { json: 'multi' }],
      ['tag', { json: '1.0' }],
      ['contents', { json: [`path:${flake}#app`, `path:${flake}#busybox`] }],
      ['config', { json: { Cmd: ['/bin/app'] } }],
    ]);
    spec = parseSpec('buildLayeredImage', raw) as LayeredImageSpec;
    oneStep = await buildPlatforms({ spec, platforms: both, out: path.join(tmp, 'multi.tar'), load: false, push: { refs: [`${reg.host}/multi:1.0`, `${reg.host}/multi:latest`], tlsVerify: false }, tmpDir: tmp, log });
  });
  after(async () => {
    await reg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(flake, { recursive: true, force: true });
  });

  test('a two-platform push: the index under every tag, each platform with its own config', async () => {
    const raw = await skopeoRaw(`${reg.host}/multi:1.0`);
    const index = JSON.parse(raw.toString('utf8'));
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map((m: { platform: unknown }) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux' },
      ],
    );
    assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, oneStep.indexDigest);
    assert.equal((await skopeoRaw(`${reg.host}/multi:latest`)).equals(raw), true);
    assert.deepEqual(
      oneStep.platforms.map((p) => [p.platform, p.manifestDigest]),
      index.manifests.map((m: { digest: string; platform: { architecture: string } }) => [`linux/${m.platform.architecture}`, m.digest]),
    );
    for (const [arch, i] of [['amd64', 0], ['arm64', 1]] as const) {
      const inspected = await skopeoInspect(`${reg.host}/multi:1.0`, { overrideArch: arch });
      assert.equal(inspected.Architecture, arch);
      assert.equal(inspected.Os, 'linux');
      // (skopeo 1.9 reports the index's digest as Digest; the layers are the platform's own.)
      assert.deepEqual(inspected.Layers, oneStep.platforms[i]!.layers.map((l) => l.digest));
    }
    // Each platform's store paths are its system's.
    assert.match(oneStep.platforms[0]!.storeLayers.flat().join(' '), /busybox-x86_64-linux/);
    assert.doesNotMatch(oneStep.platforms[0]!.storeLayers.flat().join(' '), /aarch64/);
    assert.match(oneStep.platforms[1]!.storeLayers.flat().join(' '), /busybox-aarch64-linux/);
  });

  test("the arm64 image's busybox is an aarch64 ELF binary", async () => {
    const dir = path.join(tmp, 'arm64-copy');
    await run('skopeo', ['--override-arch', 'arm64', 'copy', '--src-tls-verify=false', `docker://${reg.host}/multi:1.0`, `dir:${dir}`]);
    const root = path.join(tmp, 'arm64-root');
    fs.mkdirSync(root);
    for (const l of oneStep.platforms[1]!.layers) await run('tar', ['-xzf', path.join(dir, l.digest.slice('sha256:'.length)), '-C', root]);
    const store = path.join(root, 'nix/store');
    const bb = fs.readdirSync(store).find((n) => n.endsWith('-busybox-aarch64-linux'));
    assert.ok(bb, 'the arm64 image holds the aarch64 busybox');
    assert.equal(await elfMachine(path.join(store, bb, 'bin/busybox')), 183); // EM_AARCH64
  });

  test('the same image built twice has the same index digest', async () => {
    const again = await buildPlatforms({ spec, platforms: both, out: path.join(tmp, 'again.tar'), load: false, tmpDir: tmp, log });
    assert.equal(again.indexDigest, oneStep.indexDigest);
    assert.equal(fs.readFileSync(path.join(tmp, 'again.tar')).equals(fs.readFileSync(path.join(tmp, 'multi.tar'))), true);
  });

  test('the matrix pattern: one push by digest per platform, then the merge, gives the one-step index', async () => {
    const digests: string[] = [];
    for (const p of both) {
      const r = await buildPlatforms({ spec, platforms: [p], load: false, push: { refs: [`${reg.host}/matrix`], byDigest: true, tlsVerify: false }, tmpDir: tmp, log });
      assert.deepEqual(r.pushed[0]!.tags, []);
      digests.push(r.indexDigest);
    }
    await assert.rejects(skopeoRaw(`${reg.host}/matrix:latest`), /manifest unknown|not found/i);
    const client = await openRegistry(reg.host, { tlsVerify: false, env: {} });
    try {
      const merged = await pushIndex(client, parseReference(`${reg.host}/matrix:1.0`), digests.map((d) => parseReference(`${reg.host}/matrix@${d}`)));
      assert.equal(merged.digest, oneStep.indexDigest);
    } finally {
      await client.close();
    }
  });

  test('the OCI archive loads with skopeo copy oci-archive: → docker-daemon:, and runs', async () => {
    await removeImage('multi-oci:amd64');
    // skopeo 1.9 does not read DOCKER_HOST: the engine is named explicitly.
    const daemon = process.env.DOCKER_HOST ? ['--dest-daemon-host', process.env.DOCKER_HOST] : [];
    await run('skopeo', ['--override-arch', 'amd64', 'copy', ...daemon, `oci-archive:${path.join(tmp, 'multi.tar')}:1.0`, 'docker-daemon:multi-oci:amd64']);
    assert.equal((await dockerRun('multi-oci:amd64')).trim(), 'Hello from x86_64-linux');
    await removeImage('multi-oci:amd64');
  });

  test('buildImage (no runAsRoot) for two platforms: copyToRoot realised per system, each config its architecture; runAsRoot refused', async () => {
    const raw: RawAttributes = new Map([
      ['name', { json: 'multi-root' }],
      ['tag', { json: '1.0' }],
      ['copyToRoot', { json: [`path:${flake}#app`, `path:${flake}#busybox`] }],
      ['config', { json: { Cmd: ['/bin/app'] } }],
    ]);
    const rootSpec = parseSpec('buildImage', raw);
    const out = path.join(tmp, 'multi-root.oci.tar');
    const r = await buildPlatforms({ spec: rootSpec, platforms: both, out, load: false, push: { refs: [`${reg.host}/multi-root:1.0`], tlsVerify: false }, tmpDir: tmp, log });
    const index = JSON.parse((await skopeoRaw(`${reg.host}/multi-root:1.0`)).toString('utf8'));
    assert.deepEqual(index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture), ['amd64', 'arm64']);
    assert.equal((await skopeoInspect(`${reg.host}/multi-root:1.0`, { overrideArch: 'arm64' })).Architecture, 'arm64');
    // The arm64 image's one layer holds /bin/busybox copied from the aarch64 store path.
    const dir = path.join(tmp, 'root-arm64');
    await run('skopeo', ['--override-arch', 'arm64', 'copy', `oci-archive:${out}:1.0`, `dir:${dir}`]);
    const root = path.join(tmp, 'root-arm64-fs');
    fs.mkdirSync(root);
    const [layer] = r.platforms[1]!.layers;
    await run('tar', ['-xzf', path.join(dir, layer!.digest.slice('sha256:'.length)), '-C', root]);
    assert.equal(await elfMachine(path.join(root, 'bin/busybox')), 183); // EM_AARCH64
    await assert.rejects(
      buildPlatforms({ spec: parseSpec('buildImage', new Map([...raw, ['runAsRoot', { json: 'touch /x' }]])), platforms: both, out, load: false, tmpDir: tmp, log }),
      /^SpecError: attribute 'runAsRoot': its VM runs this machine's kernel/,
    );
  });

  test('the CLI with --platforms and the layer cache: the second build restores every layer of both platforms, same index', async () => {
    const cacheDir = path.join(tmp, 'cli-cache');
    const args = ['buildLayeredImage', '--name', 'multi', '--tag', '1.0', '--contents', `path:${flake}#app`, '--contents', `path:${flake}#busybox`, '--config', '{"Cmd":["/bin/app"]}', '--platforms', 'linux/amd64,linux/arm64', '--cache-dir', cacheDir, '--json'];
    const first = (await nixDockerOk([...args, '--out', path.join(tmp, 'cli-1.oci.tar')])).json();
    assert.equal(first.indexDigest, oneStep.indexDigest, 'the CLI builds the same index as the engine');
    assert.ok(first.platforms.every((p: { layers: { cached: boolean }[] }) => p.layers.every((l) => !l.cached)));
    assert.ok(first.cache.puts > 0);
    const second = (await nixDockerOk([...args, '--out', path.join(tmp, 'cli-2.oci.tar')])).json();
    assert.deepEqual(second.platforms.map((p: { platform: string }) => p.platform), ['linux/amd64', 'linux/arm64']);
    assert.ok(second.platforms.every((p: { layers: { cached: boolean }[] }) => p.layers.every((l) => l.cached)), 'every layer of both platforms from the cache');
    assert.equal(second.cache.hits, first.cache.puts);
    assert.equal(second.indexDigest, first.indexDigest);
    assert.ok(fs.readFileSync(path.join(tmp, 'cli-2.oci.tar')).equals(fs.readFileSync(path.join(tmp, 'cli-1.oci.tar'))), 'identical archive bytes');
  });

  /** A pushed attestation manifest's statements, by predicate type. */
  async function statementsOf(repo: string, attestation: string): Promise<Map<string, any>> {
    const manifest = JSON.parse((await skopeoRaw(`${reg.host}/${repo}@${attestation}`)).toString('utf8'));
    const client = await openRegistry(reg.host, { tlsVerify: false, env: {} });
    try {
      const out = new Map<string, any>();
      for (const l of manifest.layers) out.set(l.annotations['in-toto.io/predicate-type'], JSON.parse((await fetchBlob(client, repo, l.digest)).toString('utf8')));
      return out;
    } finally {
      await client.close();
    }
  }

  test('--platforms --sbom --provenance: one attestation manifest per platform in the index (and the archive), each SBOM that platform\'s closure; buildx imagetools shows both; two builds, same bytes', async () => {
    const cwd = fs.mkdtempSync(path.join(tmp, 'attest-'));
    for (const d of ['one', 'two']) fs.mkdirSync(path.join(cwd, d));
    const args = (out: string, ref: string) => [
      'buildLayeredImage', '--name', 'multi', '--tag', '1.0', '--contents', `path:${flake}#app`, '--contents', `path:${flake}#busybox`, '--config', '{"Cmd":["/bin/app"]}',
      '--platforms', 'linux/amd64,linux/arm64', '--sbom', '--provenance', 'max', '--no-cache', '--json', '--tls-verify', 'false', '--out', out, '--push', ref,
    ];
    const out = path.join(cwd, 'one', 'multi.oci.tar');
    const ref = `${reg.host}/attested:1.0`;
    const r = (await nixDockerOk(args(out, ref), { cwd })).json();
    const raw = await skopeoRaw(ref);
    assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, r.indexDigest);
    // The archive holds the same index, attestations and all.
    const top = JSON.parse((await run('tar', ['-xOf', out, 'index.json'])).stdout);
    assert.equal(top.manifests[0].digest, r.indexDigest);
    assert.ok((await run('tar', ['-xOf', out, `blobs/sha256/${r.indexDigest.slice('sha256:'.length)}`], { encoding: 'buffer' })).stdout.equals(raw));

    const index = JSON.parse(raw.toString('utf8'));
    assert.deepEqual(index.manifests.map((m: any) => m.digest), [...r.platforms.map((p: any) => p.manifestDigest), ...r.platforms.map((p: any) => p.attestationDigest)]);
    for (const [i, p] of r.platforms.entries()) {
      const entry = index.manifests[2 + i];
      assert.deepEqual(entry.platform, { architecture: 'unknown', os: 'unknown' });
      assert.deepEqual(entry.annotations, { 'vnd.docker.reference.digest': p.manifestDigest, 'vnd.docker.reference.type': 'attestation-manifest' });
      const statements = await statementsOf('attested', p.attestationDigest);
      const spdx = statements.get('https://spdx.dev/Document');
      assert.equal(`sha256:${spdx.subject[0].digest.sha256}`, p.manifestDigest);
      const listed = spdx.predicate.packages.map((x: any) => x.packageFileName).filter(Boolean).sort();
      assert.deepEqual(listed, [...new Set(p.storeLayers.flat() as string[])].sort(), `${p.platform}: the SBOM lists its own store paths`);
      assert.deepEqual(spdx.predicate, JSON.parse(fs.readFileSync(p.sbom.spdx, 'utf8')), 'the file is the attached SBOM');
      const slsa = statements.get('https://slsa.dev/provenance/v1');
      assert.equal(`sha256:${slsa.subject[0].digest.sha256}`, p.manifestDigest);
      assert.equal(slsa.predicate.buildDefinition.externalParameters.attributes.architecture, p.platform.split('/')[1]);
    }
    assert.equal(r.platforms[1].sbom.spdx, path.join(cwd, 'one', 'multi.linux-arm64.spdx.json'));
    assert.equal(r.platforms[0].sbom.provenance, path.join(cwd, 'one', 'multi.linux-amd64.provenance.json'));
    const spdxOf = (i: number) => fs.readFileSync(r.platforms[i].sbom.spdx, 'utf8');
    assert.match(spdxOf(1), /busybox-aarch64-linux/);
    assert.doesNotMatch(spdxOf(0), /aarch64/);

    // skopeo still picks each platform's image, from the registry and from the archive.
    for (const [arch, i] of [['amd64', 0], ['arm64', 1]] as const) {
      const inspected = await skopeoInspect(ref, { overrideArch: arch });
      assert.equal(inspected.Architecture, arch);
      assert.deepEqual(inspected.Layers, r.platforms[i].layers.map((l: any) => l.digest));
      const fromArchive = JSON.parse((await run('skopeo', ['--override-arch', arch, 'inspect', `oci-archive:${out}:1.0`])).stdout);
      assert.equal(fromArchive.Architecture, arch);
    }

    // buildx reads BuildKit's multi-platform layout: an SBOM per platform.
    const debian13 = await debian13Tools();
    const sbom = JSON.parse((await run(debian13, ['docker', 'buildx', 'imagetools', 'inspect', '--format', '{{json .SBOM}}', ref], { cwd, maxBuffer: 64 << 20 })).stdout);
    assert.deepEqual(Object.keys(sbom).sort(), ['linux/amd64', 'linux/arm64']);
    for (const [i, p] of r.platforms.entries()) assert.deepEqual(sbom[p.platform].SPDX, JSON.parse(spdxOf(i)));

    // Built again (pushed elsewhere): the same files, attestations and index.
    const again = (await nixDockerOk(args(path.join(cwd, 'two', 'multi.oci.tar'), `${reg.host}/attested-again:1.0`), { cwd })).json();
    assert.equal(again.indexDigest, r.indexDigest);
    for (const [i, p] of r.platforms.entries()) {
      assert.equal(again.platforms[i].attestationDigest, p.attestationDigest);
      for (const kind of ['spdx', 'cyclonedx', 'provenance']) assert.ok(fs.readFileSync(again.platforms[i].sbom[kind]).equals(fs.readFileSync(p.sbom[kind])), `${p.platform} ${kind}`);
    }
    assert.ok(fs.readFileSync(path.join(cwd, 'two', 'multi.oci.tar')).equals(fs.readFileSync(out)), 'identical archives');

    // The matrix pattern: each job's index holds its image and attestation manifest; merged, the one-step index.
    const digests: string[] = [];
    for (const p of ['linux/amd64', 'linux/arm64']) {
      const job = args(path.join(cwd, `${p.replace('/', '-')}.oci.tar`), `${reg.host}/attested-matrix`).map((a) => (a === 'linux/amd64,linux/arm64' ? p : a));
      const one = (await nixDockerOk([...job, '--push-by-digest'], { cwd })).json();
      assert.equal(JSON.parse((await skopeoRaw(`${reg.host}/attested-matrix@${one.indexDigest}`)).toString('utf8')).manifests.length, 2);
      digests.push(one.indexDigest);
    }
    const client = await openRegistry(reg.host, { tlsVerify: false, env: {} });
    try {
      const merged = await pushIndex(client, parseReference(`${reg.host}/attested-matrix:1.0`), digests.map((d) => parseReference(`${reg.host}/attested-matrix@${d}`)));
      assert.equal(merged.digest, r.indexDigest);
    } finally {
      await client.close();
    }
  });

  test('--platforms --sbom --attestations referrers: the index holds the images only; each platform manifest has its referrers', async () => {
    const ref = `${reg.host}/referred:1.0`;
    const r = (
      await nixDockerOk(
        ['buildLayeredImage', '--name', 'multi', '--tag', '1.0', '--contents', `path:${flake}#busybox`, '--platforms', 'linux/amd64,linux/arm64', '--sbom', '--attestations', 'referrers', '--no-cache', '--json', '--tls-verify', 'false', '--push', ref],
        { cwd: tmp },
      )
    ).json();
    const index = JSON.parse((await skopeoRaw(ref)).toString('utf8'));
    assert.deepEqual(index.manifests.map((m: any) => m.digest), r.platforms.map((p: any) => p.manifestDigest));
    const referrers = r.pushed[0].referrers;
    assert.equal(referrers.length, 2);
    for (const [i, p] of r.platforms.entries()) {
      assert.equal(referrers[i].length, 1, 'one statement (SPDX) per platform');
      const artifact = JSON.parse((await skopeoRaw(`${reg.host}/referred@${referrers[i][0]}`)).toString('utf8'));
      assert.equal(artifact.subject.digest, p.manifestDigest);
      assert.equal(artifact.annotations['in-toto.io/predicate-type'], 'https://spdx.dev/Document');
    }
  });

  test('docker run --platform linux/arm64 runs the arm64 image (qemu-user-static through binfmt_misc)', { skip: qemuAarch64() ? false : `no qemu-aarch64 binfmt handler (${QEMU_AARCH64})` }, async () => {
    await removeImage('multi-oci:arm64');
    const daemon = process.env.DOCKER_HOST ? ['--dest-daemon-host', process.env.DOCKER_HOST] : [];
    await run('skopeo', ['--override-arch', 'arm64', 'copy', ...daemon, `oci-archive:${path.join(tmp, 'multi.tar')}:1.0`, 'docker-daemon:multi-oci:arm64']);
    assert.equal((await docker('image', 'inspect', '--format', '{{.Architecture}}', 'multi-oci:arm64')).trim(), 'arm64');
    assert.equal((await docker('run', '--rm', '--network', 'none', '--platform', 'linux/arm64', 'multi-oci:arm64')).trim(), 'Hello from aarch64-linux');
    assert.equal((await docker('run', '--rm', '--network', 'none', '--platform', 'linux/arm64', 'multi-oci:arm64', 'uname', '-m')).trim(), 'aarch64');
    await removeImage('multi-oci:arm64');
  });
});
