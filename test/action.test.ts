// The committed action bundles, run the way the runner runs them (./helpers/actionRunner.ts):
// a process per step with INPUT_* variables and real GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_STEP_SUMMARY, GITHUB_ENV files, main then post. Building, loading into a real
// Docker engine, the outputs and the summary; inputs that are wrong fail naming the input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { readArchive } from './helpers/archive.ts';
import { FAKE_GITHUB_TOKEN, Job, type StepResult } from './helpers/actionRunner.ts';
import { NIX_MISSING } from '../src/action/constants.ts';
import { htmlProblems } from './helpers/html.ts';

useOfflineNix();
let fx: NixFixtures;
const jobs: Job[] = [];
before(async () => (fx = await nixFixtures()));
after(() => jobs.forEach((j) => j.remove()));

function job(opts?: ConstructorParameters<typeof Job>[0]): Job {
  const j = new Job(opts);
  jobs.push(j);
  return j;
}

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);

/** Groups the log opens with nothing in them. */
const emptyGroups = (stdout: string) => [...stdout.matchAll(/^::group::(.*)\n::endgroup::$/gm)].map((m) => m[1]);

test('action: builds, loads, sets the outputs and writes the summary; post has nothing to do without a cache service', async () => {
  const j = job();
  const r = await j.main({ name: 'action-hello', tag: 'a1', contents: fx.hello, config: 'Cmd: [/bin/hello]', load: 'true' });
  ok(r);
  assert.equal(r.outputs.image, 'action-hello:a1');
  assert.equal(r.outputs.imageTag, 'a1');
  assert.match(r.outputs['image-id']!, /^sha256:[0-9a-f]{64}$/);
  assert.equal(r.outputs.digest, '', 'nothing pushed: no manifest digest');
  assert.equal(r.outputs.archive, path.join(j.runnerTemp, 'action-hello.tar.gz'));
  assert.ok(fs.existsSync(r.outputs.archive!));
  assert.deepEqual(JSON.parse(r.outputs.pushed!), []);
  const layers = JSON.parse(r.outputs.layers!);
  assert.equal(layers.length, 4);
  for (const l of layers) {
    assert.match(l.diff_id, /^sha256:[0-9a-f]{64}$/);
    assert.match(l.digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok(l.size > 0 && l.compressed_size > 0);
    assert.equal(l.cached, false);
  }
  assert.deepEqual(layers.slice(0, 3).flatMap((l: any) => l.paths).sort(), [fx.busybox, fx.hello, fx.libgreet].sort());
  // The image Docker loaded is the one the outputs name.
  const inspect = JSON.parse(await docker('image', 'inspect', 'action-hello:a1'))[0];
  assert.equal(inspect.Id, r.outputs['image-id']);
  assert.deepEqual(inspect.RootFS.Layers, layers.map((l: any) => l.diff_id));
  assert.match(await dockerRun('action-hello:a1'), /Hello, world!/);
  await removeImage('action-hello:a1');

  // Log groups per phase, progress with a rate, and the summary; no group is opened empty.
  assert.deepEqual(emptyGroups(r.stdout), []);
  assert.match(r.stdout, /^::group::Writing .*action-hello\.tar\.gz$/m);
  assert.match(r.stdout, /^done: [\d.]+ (B|KiB|MiB) in [\d.]+ s \([\d.]+ (B|KiB|MiB)\/s\)$/m);
  assert.match(r.stdout, /^::group::Loading into Docker$/m);
  assert.match(r.summary, /nix-docker: action-hello:a1/);
  assert.match(r.summary, /<th>Store paths<\/th>/);
  assert.deepEqual(htmlProblems(r.summary), [], 'well-formed HTML, no empty cell');
  assert.match(r.summary, /<h4>Layers: 4 \(4 produced\)<\/h4>/);
  assert.match(r.summary, /<code>hello-2\.12<\/code>/);
  assert.match(r.summary, /Bytes moved/);
  assert.match(r.summary, /Time per phase/);
  assert.match(r.summary, /Loading into Docker/);
  assert.equal(r.state['main-ran'], 'true');
  assert.ok(r.masks.includes(FAKE_GITHUB_TOKEN), 'github-token (default ${{ github.token }}) is masked');
  assert.ok(!Object.values(r.state).some((v) => v.includes(FAKE_GITHUB_TOKEN)), 'and never saved for post');
  assert.equal(r.state['layer-cache'], undefined, 'no cache service: nothing for post to save');

  const post = await j.post({ name: 'action-hello' });
  ok(post);
  assert.equal(post.summary, '');
  assert.deepEqual(post.annotations, []);
});

test('action: with no delivery asked, the archive is written and reported; function and attribute inputs as documented', async () => {
  const j = job();
  const r = await j.main({
    function: 'streamLayeredImage',
    name: 'ghcr.io/example/streamed',
    contents: `${fx.hello}\n${fx.nested}\n`,
    config: '{"Cmd": ["/bin/hello"], "Env": ["A=1"]}',
    maxLayers: '3',
    labels: 'org.opencontainers.image.source=https://github.com/example/repo\norg.opencontainers.image.version=1.0=final',
  });
  ok(r);
  const archive = r.outputs.archive!;
  assert.equal(archive, path.join(j.runnerTemp, 'ghcr.io-example-streamed.tar'));
  assert.match(r.stdout, new RegExp(`Wrote ghcr.io/example/streamed:${r.outputs.imageTag} to ${archive.replace(/[.]/g, '\\.')}`));
  assert.match(r.outputs.imageTag!, /^[0-9a-z]{32}$/, 'tag derived from the content');
  const view = await readArchive(archive);
  assert.equal(view.layers.length, 3, 'maxLayers');
  assert.deepEqual(view.config.config.Labels, { 'org.opencontainers.image.source': 'https://github.com/example/repo', 'org.opencontainers.image.version': '1.0=final' });
  assert.deepEqual(view.config.config.Env, ['A=1']);
});

test('action: a misspelt or foreign input, bad JSON or a bad push reference fails with an annotation naming it, no outputs, no files', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'x', maxLayers: 'lots' }, /^input 'maxLayers': expected an integer/],
    [{ name: 'x', maxlayer: '3' }, /^input 'maxlayer': not an input of this action \(did you mean 'maxLayers'\?\)/],
    [{ name: 'x', config: '{"Cmd": [' }, /^input 'config': invalid JSON/],
    // The YAML error whole: its line and the pointer under the column, not cut after "line 2, column 1:".
    [{ name: 'x', config: 'Cmd: [/bin/hello]\nEnv: A: 1\n' }, /^input 'config': invalid JSON or YAML: .* at line 2, column \d+:\n\nEnv: A: 1\n +\^+$/],
    [{ function: 'streamLayeredImage', name: 'x', compressor: 'xz' }, /^input 'compressor'/],
    [{ name: 'x', runAsRoot: 'true' }, /^input 'runAsRoot': not an attribute of buildLayeredImage/],
    [{ function: 'buildDockerThing', name: 'x' }, /^input 'function': unknown function 'buildDockerThing'/],
    [{ name: 'x', contents: fx.hello, push: 'true', tags: 'ok.example/a:1\nNot A Valid/Ref::' }, /^input 'tags': /],
    // build-push-action's `push` is a boolean: references there fail before anything is built, pointing at `tags`.
    [{ name: 'x', contents: fx.hello, push: 'library/x' }, /^input 'push': expected true or false, got 'library\/x': the references to push to go in 'tags'/],
    [{ name: 'x', contents: fx.hello, push: 'maybe' }, /^input 'push': expected true or false, got 'maybe'/],
    [{ name: 'x', labels: 'no equals sign' }, /^input 'labels': line 1: expected key=value/],
    [{ name: 'x', artifact: 'a/b' }, /^input 'artifact': the artifact name 'a\/b' contains/],
    [{ name: 'x', 'cache-budget': 'lots' }, /^input 'cache-budget': not a size/],
    [{ name: 'x', kvm: 'maybe' }, /^input 'kvm': expected one of auto, true, false/],
    [{ name: 'x', load: 'yes' }, /^input 'load': expected true or false/],
    [{ name: 'x', 'registry-username': 'u' }, /^input 'registry-password': is required with 'registry-username'/],
    [{ image: './image.tar', name: 'x' }, /^input 'name': not used with 'image'/],
    [{ function: 'pullImage', imageName: 'alpine', imageDigest: 'sha256:xyz', sha256: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' }, /^input 'imageDigest'/],
  ];
  for (const [inputs, expected] of cases) {
    const j = job();
    const r = await j.main(inputs);
    assert.equal(r.status, 1, `${JSON.stringify(inputs)} should fail`);
    const errors = r.annotations.filter((a) => a.level === 'error');
    assert.equal(errors.length, 1, r.stdout);
    assert.match(errors[0]!.message, expected);
    assert.doesNotMatch(r.stdout, /^::group::/m, 'failed before anything was built or pulled');
    assert.deepEqual(r.outputs, {}, 'no partial outputs');
    assert.deepEqual(j.tempFiles(), [], 'nothing left in RUNNER_TEMP');
    const post = await j.post(inputs);
    assert.equal(post.status, 0, 'post after a failed main: nothing to do');
    assert.deepEqual(post.annotations, []);
  }
});

test('action: without Nix on PATH it fails with one line saying what to add', async () => {
  const j = job({ env: { PATH: j_emptyDir() } });
  const r = await j.main({ name: 'x', contents: fx.hello });
  assert.equal(r.status, 1);
  assert.deepEqual(r.annotations.map((a) => a.message), [NIX_MISSING]);
  assert.deepEqual(r.outputs, {});
});

function j_emptyDir(): string {
  const j = job();
  const d = path.join(j.dir, 'empty-bin');
  fs.mkdirSync(d);
  return d;
}
