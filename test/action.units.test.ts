// The action's modules without a runner: inputs → typed settings (and their errors),
// credentials for ghcr.io, the artifact's name, the state kept for post, the layers
// output, and action.yml against the attribute table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { allAttributeNames, checkUnknownInputs, getInputs, InputError, listInput, parseLabels, secretsOf } from '../src/action/inputs.ts';
import { Input, Output } from '../src/action/constants.ts';
import { registryAccess, registriesOf } from '../src/action/registryAuth.ts';
import { artifactName } from '../src/sinks/artifact.ts';
import { withoutSecrets } from '../src/action/state.ts';
import { completeFromPush, layersOutput, metadataOutput, pushedOutput, pushRows, shownImage, type StepReport } from '../src/action/report.ts';
import { parseAnnotations } from '../src/action/annotations.ts';
import { failureMessage } from '../src/action/run.ts';
import { SpecError } from '../src/spec/errors.ts';
import { baseNameOf, sniffImageFile } from '../src/action/existingImage.ts';
import { resolveCredentials } from '../src/registry/credentials.ts';
import { REPO } from './helpers/cli.ts';

const env = (inputs: Record<string, string>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...extra,
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
});

test('inputs: defaults, lists, labels merged into config.Labels, action inputs typed', () => {
  const i = getInputs(env({ name: 'app', contents: '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x\n\n/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y\n', config: 'Labels:\n  a: from-config\n  b: kept\nCmd: [/bin/x]', labels: 'a=from-input\nc=new' }));
  assert.equal(i.target.kind, 'build');
  if (i.target.kind !== 'build') return;
  assert.equal(i.target.spec.fn, 'buildLayeredImage');
  assert.deepEqual(i.target.spec.contents, ['/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x', '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y']);
  assert.deepEqual(i.target.spec.config, { Labels: { a: 'from-input', b: 'kept', c: 'new' }, Cmd: ['/bin/x'] });
  assert.deepEqual(
    { load: i.load, artifact: i.artifact, push: i.push, tlsVerify: i.tlsVerify, format: i.format, cache: i.cache, kvm: i.kvm, out: i.out },
    { load: false, artifact: null, push: false, tlsVerify: true, format: 'auto', cache: { enabled: true, prefix: 'nix-docker', budget: 2 * 1024 ** 3 }, kvm: 'auto', out: null },
  );
  const j = getInputs(env({ name: 'app', artifact: 'true', 'cache-budget': '512M', 'cache-key-prefix': 'p', kvm: 'false', format: 'oci', 'tls-verify': 'False' }));
  assert.deepEqual([j.artifact, j.cache.budget, j.cache.prefix, j.kvm, j.format, j.tlsVerify], ['', 512 * 1024 ** 2, 'p', 'false', 'oci', false]);
});

test("inputs: push takes docker/metadata-action's tags output (lines, commas); labels take its labels output", () => {
  assert.deepEqual(listInput('ghcr.io/o/app:1.2.3\nghcr.io/o/app:1.2,ghcr.io/o/app:latest\n\n'), ['ghcr.io/o/app:1.2.3', 'ghcr.io/o/app:1.2', 'ghcr.io/o/app:latest']);
  assert.deepEqual(parseLabels('org.opencontainers.image.title=app\norg.opencontainers.image.description=a, b = c\n'), {
    'org.opencontainers.image.title': 'app',
    'org.opencontainers.image.description': 'a, b = c',
  });
  const i = getInputs(env({ name: 'app', push: 'true', tags: 'ghcr.io/o/app:1\nghcr.io/o/app:latest' }));
  assert.deepEqual([i.push, i.tags, i.notices], [true, ['ghcr.io/o/app:1', 'ghcr.io/o/app:latest'], []]);
  // tags without push: fine (nothing is pushed, and a notice says so).
  const notPushed = getInputs(env({ name: 'app', push: 'false', tags: 'ghcr.io/o/app:1' }));
  assert.equal(notPushed.push, false);
  assert.match(notPushed.notices[0]!, /^input 'tags': nothing is pushed \(push is not true\); set push: true/);
});

test("inputs: push is build-push-action's boolean; a reference there is refused, naming tags", () => {
  for (const v of ['library/x', 'maybe', 'ghcr.io/o/app:1', 'yes']) {
    assert.throws(() => getInputs(env({ name: 'app', push: v })), (e: Error) => (assert.match(e.message, new RegExp(`^input 'push': expected true or false, got '${v}': the references to push to go in 'tags'`)), true));
  }
  for (const [v, want] of [['true', true], ['True', true], ['FALSE', false], ['', false]] as const) assert.equal(getInputs(env({ name: 'app', push: v })).push, want);
  // push: true without tags: the image's own name:tag (the spec checks name and tag are a reference's).
  assert.equal(getInputs(env({ name: 'ghcr.io/o/app', tag: '1', push: 'true' })).tags.length, 0);
});

test("inputs: annotations take docker/metadata-action's annotations output, levels as buildx names them", () => {
  assert.deepEqual(
    parseAnnotations('manifest:org.opencontainers.image.title=app\norg.opencontainers.image.url=https://x.example/a=b\nindex:org.opencontainers.image.version=1.0\nmanifest-descriptor:a=1\nindex-descriptor:b=2\n'),
    {
      manifest: { 'org.opencontainers.image.title': 'app', 'org.opencontainers.image.url': 'https://x.example/a=b' },
      index: { 'org.opencontainers.image.version': '1.0' },
      manifestDescriptor: { a: '1' },
      indexDescriptor: { b: '2' },
    },
  );
  const fails = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => (assert.match(e.message, re), true));
  fails(() => parseAnnotations('a=1\nlayer:b=2'), /^input 'annotations': line 2: unknown level 'layer'/);
  fails(() => parseAnnotations('manifest[linux/amd64]:b=2'), /^input 'annotations': line 1: platform selectors/);
  fails(() => parseAnnotations('no-value'), /^input 'annotations': line 1: expected \[level:\]key=value/);
  fails(() => getInputs(env({ name: 'a', push: 'true', format: 'docker', annotations: 'a=1' })), /^input 'annotations': a Docker schema 2 manifest has no annotations/);
  const i = getInputs(env({ name: 'a', push: 'true', annotations: 'index:a=1' }));
  assert.match(i.warnings[0]!, /^input 'annotations': index and manifest-descriptor annotations left out: no index is pushed/);
  assert.deepEqual(getInputs(env({ name: 'a', push: 'true', sbom: 'true', annotations: 'index:a=1' })).warnings, []);
});

test('inputs: overwrite and retention-days as actions/upload-artifact has them; summary can be left out', () => {
  const i = getInputs(env({ name: 'a', artifact: 'true', overwrite: 'true', 'retention-days': '3', summary: 'false' }));
  assert.deepEqual([i.artifactOptions, i.summary], [{ overwrite: true, retentionDays: 3 }, false]);
  assert.deepEqual(getInputs(env({ name: 'a' })).artifactOptions, { overwrite: false, retentionDays: 0 });
  const fails = (inputs: Record<string, string>, re: RegExp) => assert.throws(() => getInputs(env(inputs)), (e: Error) => (assert.match(e.message, re), true));
  fails({ name: 'a', 'retention-days': 'week' }, /^input 'retention-days': expected a number of days from 1 to 90/);
  fails({ name: 'a', 'retention-days': '91' }, /^input 'retention-days': /);
  fails({ name: 'a', overwrite: 'maybe' }, /^input 'overwrite': expected true or false/);
});

test('the annotation of a failure: "input" for what the action was given, the full YAML message with its pointer', () => {
  const yamlError = (() => {
    try {
      getInputs(env({ name: 'a', config: 'Cmd: [/bin/x]\nEnv: a: b\n' }));
    } catch (err) {
      return err;
    }
  })();
  const message = failureMessage(yamlError);
  assert.match(message, /^input 'config': invalid JSON or YAML: .* at line 2, column \d+:\n\nEnv: a: b\n +\^/);
  assert.equal(failureMessage(new SpecError('maxLayers', 'expected an integer')), "input 'maxLayers': expected an integer");
  assert.equal(failureMessage(new Error("attribute 'not-an-input': x")), "attribute 'not-an-input': x", 'only names the action has become inputs');
});

test('inputs: each mistake names its input', () => {
  const fails = (inputs: Record<string, string>, re: RegExp) => assert.throws(() => getInputs(env(inputs)), (e: Error) => (assert.match(e.message, re), true));
  fails({ name: 'a', maxLayrs: '3' }, /^input 'maxlayrs': not an input of this action \(did you mean 'maxLayers'\?\)$/);
  fails({ name: 'a', registry_username: 'u' }, /did you mean 'registry-username'/);
  fails({ name: 'a', push: 'true', tags: 'ok/a:1,-bad-' }, /^input 'tags': /);
  fails({ image: 'x.tar', function: 'buildImage' }, /^input 'function': not used with 'image'/);
  fails({ image: 'x.tar', labels: 'a=b' }, /^input 'labels': not used with 'image'/);
  fails({ image: 'x.tar', contents: '/x' }, /^input 'contents': not used with 'image'/);
  fails({ function: 'pullImage', imageName: 'a', imageDigest: `sha256:${'0'.repeat(64)}`, sha256: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', labels: 'a=b' }, /^input 'labels': not used with pullImage/);
  fails({ function: 'streamNixShellImage', name: 'a' }, /^attribute 'drv': is required$/);
  fails({ function: 'buildNixShellImage', drv: './result', command: 'a', run: 'b' }, /^attribute 'run': cannot be given together with 'command'/);
  fails({ function: 'exportImage', name: 'a' }, /^attribute 'fromImage': is required$/);
  fails({ function: 'exportImage', fromImage: 'x.tar', load: 'true' }, /^input 'load': not used with exportImage: it writes a filesystem tar/);
  fails({ function: 'exportImage', fromImage: 'x.tar', push: 'true' }, /^input 'push': not used with exportImage/);
  fails({ function: 'exportImage', fromImage: 'x.tar', tags: 'ghcr.io/o/a:1' }, /^input 'tags': not used with exportImage/);
  fails({ function: 'exportImage', fromImage: 'x.tar', labels: 'a=b' }, /^input 'labels': not used with exportImage/);
  fails({ function: 'exportImage', fromImage: 'x.tar', diskSize: '-1' }, /^attribute 'diskSize': expected an integer >= 1, got number -1$/);
  fails({ name: 'a', 'registry-password': 'p' }, /^input 'registry-username': is required with 'registry-password'/);
  fails({ name: 'a', 'cache-key-prefix': 'a,b' }, /^input 'cache-key-prefix': /);
  fails({ name: 'a', artifact: 'x:y' }, /^input 'artifact': .*":"/);
  fails({ name: 'a', format: 'v1' }, /^input 'format': expected one of auto, docker, oci/);
  fails({ name: 'a', config: '[1, 2]' }, /^attribute 'config': /);
  fails({ function: 'buildImage', name: 'a', contents: '/x', maxLayers: '3' }, /^attribute 'maxLayers': not an attribute of buildImage/);
  assert.throws(() => checkUnknownInputs({ INPUT_ZZZZZZZZZZ: 'x' }), (e: unknown) => e instanceof InputError && e.input === 'zzzzzzzzzz' && /check its spelling/.test(e.message));
});

test('inputs: an image built already; pullImage gets its archive name; secrets are collected for masking', () => {
  const i = getInputs(env({ image: '.#dockerImage', push: 'true', tags: 'ghcr.io/o/app:1', 'registry-username': 'u', 'registry-password': 'pw\n', 'github-token': 'ghs_x' }));
  assert.deepEqual(i.target, { kind: 'image', item: '.#dockerImage' });
  assert.deepEqual(i.auth, { username: 'u', password: 'pw' });
  assert.deepEqual(secretsOf(i), ['pw', 'ghs_x']);
  const p = getInputs(env({ function: 'pullImage', imageName: 'ghcr.io/o/base', imageDigest: `sha256:${'1'.repeat(64)}`, sha256: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', finalImageTag: 'v1' }));
  assert.equal(p.target.kind === 'pull' && p.target.archiveName, 'docker-image-ghcr.io-o-base-v1.tar');
  assert.deepEqual(registriesOf(p), ['ghcr.io']);
});

test('credentials: GITHUB_TOKEN for ghcr.io only when nothing else has credentials for it, through a temporary Docker config', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'action-auth-'));
  const log = { info: () => {}, warn: () => {}, debug: () => {}, group: <T>(_t: string, fn: () => Promise<T>) => fn() };
  const home = path.join(tmp, 'docker');
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ auths: { 'registry.example': { auth: Buffer.from('me:secret').toString('base64') } } }));
  const base = { DOCKER_CONFIG: home, GITHUB_ACTOR: 'octocat' };
  const inputs = getInputs(env({ name: 'a', push: 'true', tags: 'ghcr.io/octocat/app:1\nregistry.example/app:1', 'github-token': 'ghs_token' }));
  const access = await registryAccess(inputs, base, tmp, log);
  assert.notEqual(access.env.DOCKER_CONFIG, home);
  assert.deepEqual(await resolveCredentials('ghcr.io', undefined, access.env), { username: 'octocat', password: 'ghs_token' });
  assert.deepEqual(await resolveCredentials('registry.example', undefined, access.env), { username: 'me', password: 'secret' }, 'the config docker/login-action wrote still serves the others');
  const dir = access.env.DOCKER_CONFIG!;
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  await access.cleanup();
  assert.ok(!fs.existsSync(dir));

  // Credentials for ghcr.io in the Docker config (docker/login-action) win; so do explicit ones.
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('bot:pat').toString('base64') } } }));
  const logged = await registryAccess(inputs, base, tmp, log);
  assert.equal(logged.env.DOCKER_CONFIG, home);
  const explicit = await registryAccess(getInputs(env({ name: 'a', push: 'true', tags: 'ghcr.io/o/a:1', 'registry-username': 'u', 'registry-password': 'p', 'github-token': 't' })), base, tmp, log);
  assert.deepEqual(explicit.auth, { username: 'u', password: 'p' });
  const other = await registryAccess(getInputs(env({ name: 'a', push: 'true', tags: 'docker.io/o/a:1', 'github-token': 't' })), base, tmp, log);
  assert.equal(other.env.DOCKER_CONFIG, home, 'the token is for ghcr.io only');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('artifact names: the archive ending is added when missing', () => {
  assert.equal(artifactName('/t/app.tar.gz'), 'app.tar.gz');
  assert.equal(artifactName('/t/app.tar.gz', 'image'), 'image.tar.gz');
  assert.equal(artifactName('/t/app.tar.zst', 'image.tar.zst'), 'image.tar.zst');
  assert.equal(artifactName('/t/app.tar', 'image-amd64'), 'image-amd64.tar');
});

test('state for post: secrets never saved', () => {
  assert.deepEqual(withoutSecrets({ dir: '/d', prefix: 'p', budget: 1, password: 'x', nested: { githubToken: 'y', keep: 1 } }), { dir: '/d', prefix: 'p', budget: 1, nested: { keep: 1 } });
});

test('the layers and pushed outputs', () => {
  const report: StepReport = {
    function: 'buildLayeredImage',
    image: 'a:1',
    imageName: 'a',
    imageTag: '1',
    configDigest: 'sha256:c',
    archive: '/t/a.tar.gz',
    layers: [
      { diffId: 'sha256:d1', digest: 'sha256:b1', size: 10, compressedSize: 5, paths: ['/nix/store/x'], cached: true },
      { diffId: 'sha256:d2', size: 20, paths: [], cached: false },
    ],
    loaded: [],
    pushed: [
      {
        ref: 'r.example/a:1',
        reference: 'r.example/a@sha256:m',
        digest: 'sha256:m',
        configDigest: 'sha256:c',
        tags: ['1'],
        layers: [
          { digest: 'sha256:b1', size: 5, mediaType: 'x', status: 'skipped' },
          { digest: 'sha256:b2', size: 7, mediaType: 'x', status: 'uploaded' },
        ],
        uploaded: 2,
        skipped: 1,
        mounted: 0,
      },
    ],
    produced: 1,
    layersFrom: 'build',
    archiveWritten: true,
  };
  completeFromPush(report);
  assert.deepEqual(layersOutput(report), [
    { diff_id: 'sha256:d1', digest: 'sha256:b1', size: 10, compressed_size: 5, paths: ['/nix/store/x'], cached: true, pushed: { 'r.example/a': 'skipped' } },
    // Compressed on the way to the registry: the pushed blob is its compressed form.
    { diff_id: 'sha256:d2', digest: 'sha256:b2', size: 20, compressed_size: 7, paths: [], cached: false, pushed: { 'r.example/a': 'uploaded' } },
  ]);
  assert.deepEqual(pushedOutput(report), [{ refs: ['r.example/a:1'], reference: 'r.example/a@sha256:m', digest: 'sha256:m', tags: ['1'], uploaded: 2, skipped: 1, mounted: 0 }]);

  // Three tags of one repository are one push: one row, its counts once.
  const tagged = (ref: string, tag: string) => ({ ...report.pushed[0]!, ref, tags: ['1', 'latest', 'sha-1'], ...(tag ? {} : {}) });
  report.pushed = [tagged('r.example/a:1', '1'), tagged('r.example/a:latest', 'latest'), tagged('r.example/a:sha-1', 'sha-1'), { ...report.pushed[0]!, ref: 'r.example/b:1', reference: 'r.example/b@sha256:m', tags: ['1'], uploaded: 1, skipped: 0, mounted: 2 }];
  const rows = pushRows(report);
  assert.deepEqual(rows.map((r) => [r.refs, r.uploaded, r.mounted]), [[['r.example/a:1', 'r.example/a:latest', 'r.example/a:sha-1'], 2, 0], [['r.example/b:1'], 1, 2]]);
  assert.equal(shownImage(report), 'r.example/a:1');
  assert.deepEqual(metadataOutput(report, []), { 'containerimage.config.digest': 'sha256:c', 'containerimage.digest': 'sha256:m', 'image.name': 'r.example/a:1,r.example/a:latest,r.example/a:sha-1,r.example/b:1' });
  assert.deepEqual(metadataOutput({ ...report, pushed: [] }, []), { 'containerimage.config.digest': 'sha256:c', 'image.name': 'a:1' });
});

test('images built already: archives and scripts told apart by their first bytes', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'action-sniff-'));
  const f = (name: string, data: Buffer | string) => (fs.writeFileSync(path.join(tmp, name), data), path.join(tmp, name));
  const tar = Buffer.alloc(1024);
  tar.write('ustar', 257, 'latin1');
  assert.equal(await sniffImageFile(f('a.tar', tar)), 'archive');
  assert.equal(await sniffImageFile(f('a.tar.gz', Buffer.from([0x1f, 0x8b, 8, 0]))), 'archive');
  assert.equal(await sniffImageFile(f('a.tar.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))), 'archive');
  assert.equal(await sniffImageFile(f('stream', '#!/nix/store/x-python3/bin/python3\n')), 'script');
  assert.equal(await sniffImageFile(f('notes', 'hello\n')), undefined);
  assert.equal(baseNameOf('/nix/store/0c3mxrdnz1n6b2kkm3m9n9h4fbw9fb2l-docker-image-app.tar.gz'), 'docker-image-app');
  assert.equal(baseNameOf('/nix/store/0c3mxrdnz1n6b2kkm3m9n9h4fbw9fb2l-stream-app'), 'stream-app');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('action.yml: node24 main and post, every attribute and action input described, no attribute defaults', () => {
  const doc = parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8'));
  assert.deepEqual(doc.runs, { using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' });
  const names = Object.keys(doc.inputs);
  for (const n of [...allAttributeNames(), ...Object.values(Input)]) assert.ok(names.includes(n), n);
  assert.equal(names.length, allAttributeNames().length + Object.values(Input).length);
  for (const [n, i] of Object.entries(doc.inputs) as [string, { description: string; default?: string }][]) {
    assert.ok(i.description.length > 10, n);
    if (allAttributeNames().includes(n) || n === Input.Function) assert.equal(i.default, undefined, `${n}: no default in action.yml`);
  }
  assert.match(doc.inputs.maxLayers.description, /default: 100/);
  assert.deepEqual(Object.keys(doc.outputs).sort(), Object.values(Output).sort());
  for (const f of ['dist/main/index.js', 'dist/post/index.js']) assert.ok(fs.existsSync(path.join(REPO, f)), f);
});
