// The action's deliveries on real components, through the committed bundles: push to a
// real registry (read back with skopeo, pulled and run by Docker), credentials (inputs,
// the Docker config docker/login-action writes), the artifact through the real
// @actions/artifact client against ./helpers/artifactServer.ts, all of them in one step,
// and images built already (an archive path, a streamLayeredImage script realised from a
// Nix file, pullImage).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { CLI, nixDockerOk, REPO } from './helpers/cli.ts';
import { startFaultProxy, startRegistry, skopeoInspect, skopeoRaw, TEST_USER, type FaultProxy, type TestRegistry } from './helpers/registry.ts';
import { htmlProblems } from './helpers/html.ts';
import { startArtifactServer, type ArtifactServer } from './helpers/artifactServer.ts';
import { startCacheServer, type CacheServer } from './helpers/cacheServer.ts';
import { Job, runtimeToken, type StepResult } from './helpers/actionRunner.ts';

const run = promisify(execFile);
useOfflineNix();
let fx: NixFixtures;
let plain: TestRegistry;
let basic: TestRegistry;
let cacheServer: CacheServer;
let artifacts: ArtifactServer;
let tmp: string;
const jobs: Job[] = [];

before(async () => {
  fx = await nixFixtures();
  [plain, basic, cacheServer] = await Promise.all([startRegistry({ mode: 'http' }), startRegistry({ mode: 'basic' }), startCacheServer()]);
  artifacts = await startArtifactServer({ forward: cacheServer.url });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'action-delivery-'));
});
after(async () => {
  await Promise.all([plain?.stop(), basic?.stop(), cacheServer?.stop(), artifacts?.stop()]);
  jobs.forEach((j) => j.remove());
  fs.rmSync(tmp, { recursive: true, force: true });
});

function job(env: NodeJS.ProcessEnv = {}): Job {
  const j = new Job({ env });
  jobs.push(j);
  return j;
}

/** The runner's service environment: artifacts (and, through the forward, the cache) at one URL. */
const servicesEnv = (): NodeJS.ProcessEnv => ({
  ACTIONS_RESULTS_URL: artifacts.url,
  ACTIONS_RUNTIME_TOKEN: runtimeToken(),
  ACTIONS_CACHE_SERVICE_V2: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
});

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The summary's Pushed rows: the references each names and the counts it claims. */
function pushedRows(summary: string): { refs: string[]; reference: string; uploaded: number; skipped: number; mounted: number }[] {
  return [...summary.matchAll(/<th>Pushed<\/th><td>(.*?)<\/td>/g)].map((m) => {
    const codes = [...m[1]!.matchAll(/<code>([^<]*)<\/code>/g)].map((c) => c[1]!);
    const counts = /\((\d+) uploaded, (\d+) skipped, (\d+) mounted\)/.exec(m[1]!)!;
    return { refs: codes.slice(0, -1), reference: codes.at(-1)!, uploaded: Number(counts[1]), skipped: Number(counts[2]), mounted: Number(counts[3]) };
  });
}

/** What the registry was asked, per repository: blob uploads completed, mounts made, blobs found by HEAD. */
function registryCounts(proxy: FaultProxy, repository: string) {
  const mine = proxy.requests.filter((r) => r.path.startsWith(`/v2/${repository}/blobs/`));
  return {
    uploaded: mine.filter((r) => r.method === 'PUT' && /[?&]digest=/.test(r.path) && r.status === 201).length,
    mounted: mine.filter((r) => r.method === 'POST' && /[?&]mount=/.test(r.path) && r.status === 201).length,
    skipped: mine.filter((r) => r.method === 'HEAD' && r.status === 200).length,
  };
}

test("push: true with docker/metadata-action's tags, labels and annotations as is: an annotated manifest, one summary row per push with the registry's counts, build-push-action's outputs", async () => {
  // Through a proxy that sees every request, to count what the registry was really asked.
  const proxy = await startFaultProxy(plain.port);
  try {
    const repo = `${proxy.host}/act/hello`;
    const mirror = `${proxy.host}/act/hello-mirror`;
    const inputs = {
      name: 'hello',
      tag: '1.0',
      contents: fx.hello,
      config: 'Cmd: [/bin/hello]',
      push: 'true',
      // metadata-action's outputs, pasted: tags one per line (commas work too), annotations prefixed with their level.
      tags: `${repo}:1.0\n${repo}:latest,${repo}:sha-0123abc\n${mirror}:1.0\n`,
      labels: 'org.opencontainers.image.title=hello\norg.opencontainers.image.revision=0123abc\n',
      annotations: 'manifest:org.opencontainers.image.title=hello\nmanifest:org.opencontainers.image.revision=0123abc\norg.opencontainers.image.url=https://example.com/a=b\n',
      'tls-verify': 'false',
    };
    const r = await job().main(inputs);
    ok(r);
    assert.deepEqual(r.annotations.filter((a) => a.level !== 'notice'), []);
    const raw = await skopeoRaw(`${repo}:latest`);
    const manifest = JSON.parse(raw.toString());
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json', 'annotations need OCI: auto chose it');
    assert.deepEqual(manifest.annotations, { 'org.opencontainers.image.title': 'hello', 'org.opencontainers.image.revision': '0123abc', 'org.opencontainers.image.url': 'https://example.com/a=b' });
    const inspected = await skopeoInspect(`${repo}:sha-0123abc`);
    assert.deepEqual(inspected.Labels, { 'org.opencontainers.image.title': 'hello', 'org.opencontainers.image.revision': '0123abc' });

    // build-push-action's outputs, and the dockerTools-named ones beside them.
    assert.equal(r.outputs.digest, sha256(raw));
    assert.equal(inspected.Digest, r.outputs.digest);
    assert.equal(r.outputs.imageid, manifest.config.digest);
    assert.equal(r.outputs['image-id'], r.outputs.imageid);
    assert.deepEqual(JSON.parse(r.outputs.metadata!), {
      'containerimage.config.digest': r.outputs.imageid,
      'containerimage.digest': r.outputs.digest,
      'image.name': `${repo}:1.0,${repo}:latest,${repo}:sha-0123abc,${mirror}:1.0`,
    });
    assert.equal(r.outputs.image, `${repo}:1.0`, 'the first reference pushed to');
    assert.equal(r.outputs.imageTag, '1.0');
    const pushed = JSON.parse(r.outputs.pushed!);
    assert.deepEqual(pushed.map((p: any) => p.refs), [[`${repo}:1.0`, `${repo}:latest`, `${repo}:sha-0123abc`], [`${mirror}:1.0`]]);
    assert.deepEqual(pushed.map((p: any) => p.reference), [`${repo}@${r.outputs.digest}`, `${mirror}@${r.outputs.digest}`]);
    const layers = JSON.parse(r.outputs.layers!);
    assert.deepEqual(manifest.layers.map((l: any) => l.digest), layers.map((l: any) => l.digest), 'pushed layers are the archive layers');
    assert.ok(layers.every((l: any) => l.pushed[repo] === 'uploaded' && l.pushed[mirror] === 'mounted'));

    // One row per push, all its tags, and the counts the registry saw (each blob once, not once per tag).
    const rows = pushedRows(r.summary);
    assert.deepEqual(rows.map((row) => row.refs), pushed.map((p: any) => p.refs));
    for (const [row, repository] of [[rows[0]!, 'act/hello'], [rows[1]!, 'act/hello-mirror']] as const) {
      const seen = registryCounts(proxy, repository);
      assert.deepEqual({ uploaded: row.uploaded, mounted: row.mounted }, { uploaded: seen.uploaded, mounted: seen.mounted }, repository);
      assert.equal(row.skipped, 0);
    }
    assert.equal(rows[0]!.uploaded, layers.length + 1, 'the layers and the config, once');
    assert.equal(rows[1]!.uploaded, 0);
    assert.match(r.summary, new RegExp(`<h3>nix-docker: ${repo.replace(/[.]/g, '\\.')}:1\\.0</h3>`));
    assert.deepEqual(htmlProblems(r.summary), []);
    assert.match(r.stdout, /^::group::Pushing /m);
    assert.match(r.stdout, new RegExp(`^${repo.replace(/[.]/g, '\\.')}: [\\d.]+ (KiB|MiB) uploaded in [\\d.]+ s \\([\\d.]+ (B|KiB|MiB)/s\\)$`, 'm'));

    await docker('pull', `${repo}:1.0`);
    assert.match(await dockerRun(`${repo}:1.0`), /Hello, world!/);
    await removeImage(`${repo}:1.0`);

    // The same image again from another job: the registry has every blob, and the summary says so.
    const before = proxy.requests.length;
    const again = await job().main(inputs);
    ok(again);
    assert.equal(again.outputs.digest, r.outputs.digest);
    assert.ok(JSON.parse(again.outputs.layers!).every((l: any) => l.pushed[repo] === 'skipped'));
    const second = proxy.requests.slice(before);
    assert.equal(second.filter((q) => q.method === 'PUT' && q.path.includes('/blobs/uploads/')).length, 0, 'nothing uploaded');
    assert.deepEqual(pushedRows(again.summary).map((row) => [row.uploaded, row.skipped]), [[0, layers.length + 1], [0, layers.length + 1]]);
  } finally {
    await proxy.stop();
  }
});

test('push: true without tags pushes to the image\'s own name and tag (the content-hash tag when tag is empty)', async () => {
  const name = `${plain.host}/act/own`;
  const r = await job().main({ name, contents: fx.hello, push: 'true', 'tls-verify': 'false', cache: 'false' });
  ok(r);
  assert.match(r.outputs.imageTag!, /^[0-9a-z]{32}$/);
  assert.equal(r.outputs.image, `${name}:${r.outputs.imageTag}`);
  assert.equal((await skopeoInspect(`${name}:${r.outputs.imageTag}`)).Digest, r.outputs.digest);
  assert.equal(JSON.parse(r.outputs.metadata!)['image.name'], `${name}:${r.outputs.imageTag}`);
});

test('tags without push name the image loaded into Docker, and a notice says nothing is pushed; summary: false leaves the summary out', async () => {
  const r = await job().main({ name: 'tags-only', tag: '1', contents: fx.hello, config: 'Cmd: [/bin/hello]', load: 'true', tags: 'nix-docker-test/tagged:x\nnix-docker-test/tagged:y', summary: 'false', cache: 'false' });
  ok(r);
  assert.deepEqual(r.annotations.map((a) => [a.level, a.message]), [['notice', "input 'tags': nothing is pushed (push is not true); the image loaded into Docker is tagged with them"]]);
  for (const t of ['tags-only:1', 'nix-docker-test/tagged:x', 'nix-docker-test/tagged:y']) assert.equal(JSON.parse(await docker('image', 'inspect', t))[0].Id, r.outputs.imageid, t);
  assert.equal(r.outputs.digest, '');
  assert.equal(r.summary, '', 'no job summary');
  for (const t of ['tags-only:1', 'nix-docker-test/tagged:x', 'nix-docker-test/tagged:y']) await removeImage(t);
});

test('credentials: registry-username/password (masked), else the Docker config docker/login-action wrote; none fails naming the push', async () => {
  const ref = `${basic.host}/act/private:1`;
  const base = { name: 'private', tag: '1', contents: fx.hello, push: 'true', tags: ref, 'tls-verify': 'false' };
  const r = await job().main({ ...base, 'registry-username': TEST_USER.username, 'registry-password': TEST_USER.password });
  ok(r);
  assert.ok(r.masks.includes(TEST_USER.password), 'the password is masked');
  const leaks = r.stdout.split('\n').filter((l) => l.includes(TEST_USER.password) && !l.startsWith('::add-mask::'));
  assert.deepEqual(leaks, [], 'the password appears only in ::add-mask:: commands');
  assert.equal((await skopeoInspect(ref, { creds: TEST_USER })).Digest, r.outputs.digest);

  const config = path.join(tmp, 'docker-config');
  fs.mkdirSync(config, { recursive: true });
  const auth = Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString('base64');
  fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }));
  const viaConfig = await job({ DOCKER_CONFIG: config }).main({ ...base, tags: `${basic.host}/act/private:2` });
  ok(viaConfig);
  assert.equal(viaConfig.outputs.image, `${basic.host}/act/private:2`);

  const none = await job({ DOCKER_CONFIG: path.join(tmp, 'no-config') }).main({ ...base, tags: `${basic.host}/act/private:3` });
  assert.equal(none.status, 1);
  const error = none.annotations.find((a) => a.level === 'error');
  assert.match(error?.message ?? '', /^input 'push': .*(401|unauthori[sz]ed|denied|authentication)/i);
});

test('artifact: the archive goes up unzipped through the real client; downloaded, docker load -i runs it', async () => {
  const j = job(servicesEnv());
  const r = await j.main({ name: 'art-hello', tag: 'v1', contents: fx.hello, config: 'Cmd: [/bin/hello]', artifact: 'hello-image', cache: 'false' });
  ok(r);
  assert.equal(r.outputs['artifact-name'], 'hello-image.tar.gz');
  const stored = artifacts.artifacts().find((a) => String(a.id) === r.outputs['artifact-id']);
  assert.ok(stored, 'the artifact service holds it');
  assert.equal(stored.name, 'hello-image.tar.gz');
  assert.equal(stored.finalized, true);
  const archive = fs.readFileSync(r.outputs.archive!);
  assert.ok(stored.bytes!.equals(archive), 'the artifact is the archive itself, not a zip of it');
  assert.equal(stored.hash, sha256(archive));
  assert.match(r.summary, /Artifact<\/th><td><code>hello-image\.tar\.gz<\/code>/);

  // Downloaded with the real client, as actions/download-artifact does (in a process of its
  // own: the client logs through @actions/core on stdout).
  const dest = path.join(tmp, 'download');
  const script = `import { DefaultArtifactClient } from '@actions/artifact';
const client = new DefaultArtifactClient();
const { artifact } = await client.getArtifact('hello-image.tar.gz');
await client.downloadArtifact(artifact.id, { path: ${JSON.stringify(dest)} });
process.stderr.write(JSON.stringify({ id: artifact.id }));`;
  const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, env: { ...process.env, ...servicesEnv(), GITHUB_WORKSPACE: j.workspace } });
  assert.equal(JSON.parse(stderr).id, Number(r.outputs['artifact-id']));
  const downloaded = path.join(dest, 'hello-image.tar.gz');
  assert.ok(fs.readFileSync(downloaded).equals(archive));
  await docker('load', '-i', downloaded);
  assert.match(await dockerRun('art-hello:v1'), /Hello, world!/);
  await removeImage('art-hello:v1');
});

test('artifact: a name taken in the run fails without overwrite and is replaced with it; retention-days reaches the service', async () => {
  const inputs = { name: 'art-again', tag: 'v1', contents: fx.hello, artifact: 'again', cache: 'false' };
  const first = await job(servicesEnv()).main({ ...inputs, 'retention-days': '5' });
  ok(first);
  const stored = artifacts.artifacts().find((a) => String(a.id) === first.outputs['artifact-id'])!;
  const days = (Date.parse(stored.expiresAt!) - Date.parse(stored.createdAt)) / 86400e3;
  assert.ok(Math.abs(days - 5) < 0.01, `expires in ${days} days`);

  const taken = await job(servicesEnv()).main(inputs);
  assert.equal(taken.status, 1);
  assert.match(taken.annotations.find((a) => a.level === 'error')!.message, /^input 'artifact': .*already exists/);

  const replaced = await job(servicesEnv()).main({ ...inputs, overwrite: 'true' });
  ok(replaced);
  assert.notEqual(replaced.outputs['artifact-id'], first.outputs['artifact-id']);
  const named = artifacts.artifacts().filter((a) => a.name === 'again.tar.gz' && a.finalized);
  assert.deepEqual(named.map((a) => String(a.id)), [replaced.outputs['artifact-id']], 'the one uploaded before is gone');
  assert.equal(named[0]!.expiresAt, undefined, 'no retention-days: the repository default');
  assert.match(replaced.stdout, /Deleted the artifact again\.tar\.gz \(id \d+\)/);
});

test('a failed artifact upload fails the step naming artifact; the image outputs are set already', async () => {
  artifacts.failNext('CreateArtifact', 403);
  const r = await job(servicesEnv()).main({ name: 'art-fail', tag: 'f', contents: fx.hello, artifact: 'true', cache: 'false' });
  assert.equal(r.status, 1);
  const errors = r.annotations.filter((a) => a.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /^input 'artifact': .*403/);
  assert.equal(r.outputs.image, 'art-fail:f');
  assert.ok(fs.existsSync(r.outputs.archive!));
  assert.equal(r.outputs['artifact-id'], undefined);
  assert.match(r.summary, /nix-docker: art-fail:f/, 'the summary is written all the same');
});

test('everything in one step: load, artifact, push and the layer cache; post saves the layers', async () => {
  const j = job(servicesEnv());
  const ref = `${plain.host}/act/all:1`;
  const inputs = { name: 'all-in-one', tag: '1', contents: fx.hello, config: 'Cmd: [/bin/hello]', load: 'true', artifact: 'true', push: 'true', tags: ref, 'tls-verify': 'false', 'cache-key-prefix': 'all-in-one' };
  const r = await j.main(inputs);
  ok(r);
  assert.equal(r.outputs['artifact-name'], 'all-in-one.tar.gz');
  assert.ok(artifacts.artifacts().some((a) => String(a.id) === r.outputs['artifact-id']));
  assert.equal((await skopeoInspect(ref)).Digest, r.outputs.digest);
  assert.match(await dockerRun('all-in-one:1'), /Hello, world!/);
  await removeImage('all-in-one:1');
  assert.ok(r.state['layer-cache'], 'the cache settings are left for post');
  assert.ok(!/token|password/i.test(r.state['layer-cache']!));
  assert.match(r.summary, /Layer cache<\/th>/);
  for (const what of ['archive written', 'loaded into Docker', 'pushed \\(uploaded blobs\\)', 'artifact uploaded']) assert.match(r.summary, new RegExp(what));

  const post = await j.post(inputs);
  ok(post);
  assert.match(post.summary, /Saved \d+ cache entr(y|ies) \(4 layers/);
  assert.ok(cacheServer.entries().some((e) => e.key.startsWith('all-in-one-') && e.finalized));
});

test("image: an archive built already (path) is loaded and pushed as it is: same image id; the summary shows the archive's layers and only work done", async () => {
  const archive = path.join(tmp, 'prebuilt.tar.gz');
  const built = (await nixDockerOk(['buildLayeredImage', '--name', 'prebuilt', '--tag', 'p1', '--contents', fx.hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', archive, '--no-cache', '--json'])).json();
  const ref = `${plain.host}/act/prebuilt:p1`;
  const r = await job().main({ image: archive, load: 'true', push: 'true', tags: ref, 'tls-verify': 'false', cache: 'false' });
  ok(r);
  assert.equal(r.outputs.image, ref);
  assert.equal(r.outputs['image-id'], built.configDigest);
  assert.equal(r.outputs.archive, archive);
  assert.equal((await skopeoInspect(ref)).Digest, r.outputs.digest);
  const manifest = JSON.parse((await skopeoRaw(ref)).toString());
  const layers = JSON.parse(r.outputs.layers!);
  assert.deepEqual(layers.map((l: any) => l.diff_id), built.layers.map((l: any) => l.diffId));
  // Compressed on the way to the registry: the sizes after compression are the pushed blobs'.
  assert.deepEqual(layers.map((l: any) => [l.digest, l.compressed_size]), manifest.layers.map((l: any) => [l.digest, l.size]));
  assert.match(await dockerRun('prebuilt:p1'), /Hello, world!/);
  await removeImage('prebuilt:p1');

  assert.deepEqual(htmlProblems(r.summary), []);
  assert.match(r.summary, /<th>Layer \(diff_id\)<\/th>/);
  for (const l of layers) assert.ok(r.summary.includes(`<code>${l.diff_id.slice(0, 19)}</code>`), l.diff_id);
  assert.doesNotMatch(r.summary, /Store paths|layer\.tar<\/code>|produced|archive written/);
  assert.match(r.summary, new RegExp(`<h4>Layers: ${layers.length} from the archive \\(${layers.length} compressed here\\)</h4>`));
  assert.match(r.summary, /loaded into Docker/);
});

test('image: a streamLayeredImage script realised from a Nix file is run and its archive delivered', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'stream-'));
  const stream = path.join(dir, 'streamed.tar');
  const built = (await nixDockerOk(['streamLayeredImage', '--name', 'streamed', '--tag', 's1', '--contents', fx.hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', stream, '--no-cache', '--json'])).json();
  // What dockerTools.streamLayeredImage gives: an executable that writes the archive to stdout.
  fs.writeFileSync(
    path.join(dir, 'image.nix'),
    `derivation {
  name = "stream-streamed";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  PATH = "/usr/bin:/bin";
  archive = ./streamed.tar;
  args = [ "-c" "printf '#!/bin/sh\\\\necho streaming >&2\\\\nexec cat %s\\\\n' $archive > $out && chmod +x $out" ];
}
`,
  );
  const r = await job().main({ image: path.join(dir, 'image.nix'), load: 'true' });
  ok(r);
  assert.match(r.stdout, /^::group::Realising .*image\.nix$/m);
  assert.match(r.stdout, /^::group::Streaming \/nix\/store\/[0-9a-z]{32}-stream-streamed$/m);
  assert.match(r.stdout, /^streaming$/m, "the script's stderr is logged");
  assert.equal(r.outputs.image, 'streamed:s1');
  assert.equal(r.outputs['image-id'], built.configDigest);
  assert.ok(fs.readFileSync(r.outputs.archive!).equals(fs.readFileSync(stream)), 'the archive is what the script wrote');
  assert.match(await dockerRun('streamed:s1'), /Hello, world!/);
  await removeImage('streamed:s1');

  // Something that is neither an archive nor a script is refused, naming the input.
  const notImage = path.join(dir, 'notes.txt');
  fs.writeFileSync(notImage, 'hello\n');
  const bad = await job().main({ image: notImage });
  assert.equal(bad.status, 1);
  assert.match(bad.annotations[0]!.message, /^input 'image': .*notes\.txt is neither a docker-archive/);
  // A script that fails: its exit code and last line, and no archive left behind.
  const failing = path.join(dir, 'failing-stream');
  fs.writeFileSync(failing, '#!/bin/sh\necho "building the image failed" >&2\nexit 3\n', { mode: 0o755 });
  const failJob = job();
  const failed = await failJob.main({ image: failing });
  assert.equal(failed.status, 1);
  assert.match(failed.annotations[0]!.message, /^input 'image': .*failing-stream exited with code 3: building the image failed$/);
  assert.deepEqual(failJob.tempFiles(), []);
});

test('pullImage: pulled by digest, checked against sha256, loaded', async () => {
  const ref = `${plain.host}/act/pullme`;
  await nixDockerOk(['buildLayeredImage', '--name', 'pullme', '--tag', '1', '--contents', fx.hello, '--config', '{"Cmd":["/bin/hello"]}', '--out', path.join(tmp, 'pullme.tar.gz'), '--push', `${ref}:1`, '--tls-verify', 'false']);
  const { stdout } = await run(process.execPath, [CLI, 'prefetch', '--image-name', ref, '--image-tag', '1', '--final-image-name', 'pulled', '--final-image-tag', 'p', '--tls-verify', 'false', '--json']);
  const attrs = JSON.parse(stdout);
  const r = await job().main({ function: 'pullImage', imageName: ref, imageDigest: attrs.imageDigest, sha256: attrs.sha256, finalImageName: 'pulled', finalImageTag: 'p', tlsVerify: 'false', load: 'true' });
  ok(r);
  assert.equal(r.outputs.image, 'pulled:p');
  assert.equal(path.basename(r.outputs.archive!), 'docker-image-pulled-p.tar');
  assert.match(await dockerRun('pulled:p'), /Hello, world!/);
  await removeImage('pulled:p');
});
