// `config` checked against the image config specification (src/spec/imageConfig.ts):
// every field with its type, for the spec parser both entries share; end to end, the CLI
// and the action's bundle fail before anything is built, naming the field (with `load`
// and `push` asked for, the error is still config's), and an unknown field is built with a
// warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkImageConfig } from '../src/spec/imageConfig.ts';
import { parseSpec, SpecError } from '../src/spec/index.ts';
import { parseArgs } from '../src/cli/args.ts';
import { nixDocker } from './helpers/cli.ts';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { Job } from './helpers/actionRunner.ts';

const rejects = (config: Record<string, unknown>, message: string) =>
  assert.throws(
    () => checkImageConfig(config),
    (e: Error) => {
      assert.ok(e instanceof SpecError, e.message);
      assert.equal(e.attribute, 'config');
      assert.equal(e.message, `attribute 'config': ${message}`);
      return true;
    },
  );
const accepts = (config: Record<string, unknown>) => assert.deepEqual(checkImageConfig(config), []);

test('config: a valid config of every field passes without warnings', () => {
  accepts({
    User: '1000:1000',
    ExposedPorts: { '8080/tcp': {}, '53/udp': {}, '9000': {}, '36412/sctp': {} },
    Env: ['PATH=/bin', 'EMPTY=', 'A=b=c'],
    Entrypoint: ['/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello/bin/hello'],
    Cmd: [],
    Volumes: { '/data': {} },
    WorkingDir: '/srv',
    Labels: { 'org.opencontainers.image.source': 'https://example.com' },
    StopSignal: 'SIGTERM',
    ArgsEscaped: false,
    Memory: 0,
    MemorySwap: -1,
    CpuShares: 512,
    Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30_000_000_000, Timeout: 1_000_000_000, StartPeriod: 0, StartInterval: 5_000_000_000, Retries: 3 },
    OnBuild: ['RUN true'],
    Shell: ['/bin/sh', '-c'],
    Hostname: 'h',
    Domainname: 'example.com',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Image: '',
    NetworkDisabled: false,
    MacAddress: '',
    StopTimeout: 10,
  });
  // Go's decoder reads null as "not set".
  accepts({ Cmd: null, Env: null, Healthcheck: null, Labels: null });
  accepts({ Healthcheck: { Test: [] } });
  accepts({ Healthcheck: { Test: ['NONE'] } });
});

test('config: each field of the wrong type is one error naming it', () => {
  rejects({ Entrypoint: 5 }, 'config.Entrypoint: expected a list of strings, got 5');
  rejects({ Cmd: '/bin/hello' }, 'config.Cmd: expected a list of strings, got "/bin/hello"');
  rejects({ Cmd: ['/bin/hello', 1] }, 'config.Cmd: expected a list of strings, got ["/bin/hello",1]');
  rejects({ OnBuild: 'RUN x' }, 'config.OnBuild: expected a list of strings, got "RUN x"');
  rejects({ Shell: [true] }, 'config.Shell: expected a list of strings, got [true]');
  for (const f of ['User', 'WorkingDir', 'StopSignal', 'Hostname', 'Domainname', 'Image', 'MacAddress']) {
    rejects({ [f]: 1000 }, `config.${f}: expected a string, got 1000`);
  }
  for (const f of ['ArgsEscaped', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'NetworkDisabled']) {
    rejects({ [f]: 'true' }, `config.${f}: expected true or false, got "true"`);
  }
  for (const f of ['Memory', 'MemorySwap', 'CpuShares', 'StopTimeout']) {
    rejects({ [f]: '512m' }, `config.${f}: expected an integer, got "512m"`);
    rejects({ [f]: 1.5 }, `config.${f}: expected an integer, got 1.5`);
  }
});

test('config: Env entries are KEY=value strings', () => {
  rejects({ Env: 'PATH=/bin' }, 'config.Env: expected a list of "KEY=value" strings, got "PATH=/bin"');
  rejects({ Env: ['PATH=/bin', 'JUSTANAME'] }, 'config.Env: expected a list of "KEY=value" strings, got ["PATH=/bin","JUSTANAME"] (entry "JUSTANAME")');
  rejects({ Env: ['=x'] }, 'config.Env: expected a list of "KEY=value" strings, got ["=x"] (entry "=x")');
  rejects({ Env: [{ PATH: '/bin' }] }, 'config.Env: expected a list of "KEY=value" strings, got [{"PATH":"/bin"}] (entry {"PATH":"/bin"})');
});

test('config: ExposedPorts keys are port[/tcp|udp|sctp] with {} values', () => {
  const expected = 'config.ExposedPorts: expected an object of "port[/tcp|udp|sctp]": {} (e.g. {"8080/tcp": {}})';
  rejects({ ExposedPorts: [8080] }, `${expected}, got [8080]`);
  rejects({ ExposedPorts: { '8080/http': {} } }, `${expected}, got {"8080/http":{}} (key "8080/http")`);
  rejects({ ExposedPorts: { '70000/tcp': {} } }, `${expected}, got {"70000/tcp":{}} (key "70000/tcp")`);
  rejects({ ExposedPorts: { '8000-8010/tcp': {} } }, `${expected}, got {"8000-8010/tcp":{}} (key "8000-8010/tcp")`);
  rejects({ ExposedPorts: { '8080/tcp': true } }, `${expected}, got {"8080/tcp":true} ("8080/tcp" maps to true)`);
  rejects({ ExposedPorts: { '8080/tcp': { a: 1 } } }, `${expected}, got {"8080/tcp":{"a":1}} ("8080/tcp" maps to {"a":1})`);
});

test('config: Volumes keys are absolute paths with {} values', () => {
  const expected = 'config.Volumes: expected an object of "/absolute/path": {}';
  rejects({ Volumes: ['/data'] }, `${expected}, got ["/data"]`);
  rejects({ Volumes: { data: {} } }, `${expected}, got {"data":{}} (key "data")`);
  rejects({ Volumes: { '/data': '' } }, `${expected}, got {"/data":""} ("/data" maps to "")`);
});

test('config: Labels map strings to strings', () => {
  rejects({ Labels: ['a=b'] }, 'config.Labels: expected an object of strings (label: value), got ["a=b"]');
  rejects({ Labels: { version: 2 } }, 'config.Labels: expected an object of strings (label: value), got {"version":2} ("version" maps to 2)');
});

test('config: Healthcheck and each of its fields', () => {
  rejects({ Healthcheck: 'curl -f http://localhost/' }, 'config.Healthcheck: expected an object (Test, Interval, Timeout, StartPeriod, StartInterval, Retries), got "curl -f http://localhost/"');
  rejects({ Healthcheck: { Test: 'curl' } }, 'config.Healthcheck.Test: expected a list of strings: [], ["NONE"], ["CMD", arg...] or ["CMD-SHELL", command], got "curl"');
  rejects(
    { Healthcheck: { Test: ['curl', '-f'] } },
    'config.Healthcheck.Test: expected a list of strings: [], ["NONE"], ["CMD", arg...] or ["CMD-SHELL", command], got ["curl","-f"] (the first item says how to run the test)',
  );
  for (const f of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval']) {
    rejects({ Healthcheck: { [f]: '30s' } }, `config.Healthcheck.${f}: expected a duration in nanoseconds (a non-negative integer), got "30s"`);
    rejects({ Healthcheck: { [f]: -1 } }, `config.Healthcheck.${f}: expected a duration in nanoseconds (a non-negative integer), got -1`);
  }
  rejects({ Healthcheck: { Retries: '3' } }, 'config.Healthcheck.Retries: expected an integer, got "3"');
  assert.deepEqual(checkImageConfig({ Healthcheck: { Test: ['NONE'], Period: 1 } }), ['config.Healthcheck.Period: not a field of Healthcheck (passed through as given; image readers ignore it)']);
});

test('config: unknown fields pass through with a warning; a field in the wrong case is checked as Docker reads it', () => {
  assert.deepEqual(checkImageConfig({ Cmd: ['/bin/x'], Foo: { any: 1 } }), ['config.Foo: not a field of the image config (passed through as given; image readers ignore it)']);
  assert.deepEqual(checkImageConfig({ cmd: ['/bin/x'] }), [
    "config.cmd: not a field of the image config; did you mean 'Cmd'? (passed through as given: Docker reads it as Cmd, other tools ignore it)",
  ]);
  rejects({ entrypoint: 5 }, 'config.entrypoint: expected a list of strings, got 5');
});

test('config: the spec parser checks it for every function that takes it, from flags and spec files alike', () => {
  const flags = (fn: 'buildLayeredImage' | 'buildImage' | 'streamLayeredImage', argv: string[]) => parseArgs(fn, argv).raw;
  for (const fn of ['buildLayeredImage', 'buildImage', 'streamLayeredImage'] as const) {
    assert.throws(() => parseSpec(fn, flags(fn, ['--name', 'x', '--config', '{"Entrypoint": 5}'])), /^SpecError: attribute 'config': config\.Entrypoint: expected a list of strings, got 5$/);
  }
  assert.throws(() => parseSpec('buildLayeredImage', new Map([['name', { json: 'x' }], ['config', { json: { ExposedPorts: [8080] } }]])), /config\.ExposedPorts: expected an object/);
  const warnings: string[] = [];
  const spec = parseSpec('buildLayeredImage', flags('buildLayeredImage', ['--name', 'x', '--config', 'Cmd: [/bin/x]\nFoo: bar']), { warn: (w) => warnings.push(w) });
  assert.deepEqual(spec.config, { Cmd: ['/bin/x'], Foo: 'bar' }, 'passed through as given');
  assert.deepEqual(warnings, ['config.Foo: not a field of the image config (passed through as given; image readers ignore it)']);
});

// ---------------------------------------------------------------------------------------
// End to end: the CLI and the action's bundle

useOfflineNix();
let fx: NixFixtures;
let tmp: string;
const jobs: Job[] = [];
before(async () => {
  fx = await nixFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'image-config-'));
});
after(() => {
  jobs.forEach((j) => j.remove());
  fs.rmSync(tmp, { recursive: true, force: true });
});

const WRONG: [string, RegExp][] = [
  ['Entrypoint: 5', /config\.Entrypoint: expected a list of strings, got 5$/],
  ['Cmd: /bin/hello', /config\.Cmd: expected a list of strings, got "\/bin\/hello"$/],
  ['ExposedPorts: [8080]', /config\.ExposedPorts: expected an object of "port\[\/tcp\|udp\|sctp\]": \{\} .*got \[8080\]$/],
  ['Env: {PATH: /bin}', /config\.Env: expected a list of "KEY=value" strings, got \{"PATH":"\/bin"\}$/],
  ['Healthcheck: {Interval: 30s}', /config\.Healthcheck\.Interval: expected a duration in nanoseconds/],
];

test('CLI: a wrong-typed config field exits 2 naming it, before anything is built or written', async () => {
  for (const [config, expected] of WRONG) {
    const out = path.join(tmp, 'never.tar.gz');
    const r = await nixDocker(['buildLayeredImage', '--name', 'cfg', '--contents', fx.hello, '--config', config, '--out', out, '--load', '--no-cache']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), /^nix-docker: attribute 'config': /);
    assert.match(r.stderr.trim(), expected);
    assert.equal(fs.existsSync(out), false);
  }
});

test('CLI: an unknown config field is built, with a warning on stderr', async () => {
  const out = path.join(tmp, 'unknown.tar');
  const r = await nixDocker(['streamLayeredImage', '--name', 'cfg', '--contents', fx.hello, '--config', '{"Cmd": ["/bin/hello"], "Foo": 1}', '--out', out, '--no-cache']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^warning: config\.Foo: not a field of the image config \(passed through as given; image readers ignore it\)$/m);
  assert.ok(fs.statSync(out).size > 0);
});

test('action: a wrong-typed config field fails the step naming it (not load), before anything is built', async () => {
  for (const [config, expected] of WRONG) {
    const j = new Job();
    jobs.push(j);
    const r = await j.main({ name: 'cfg', contents: fx.hello, config, load: 'true' });
    assert.equal(r.status, 1, r.stdout);
    const errors = r.annotations.filter((a) => a.level === 'error');
    assert.equal(errors.length, 1, r.stdout);
    assert.match(errors[0]!.message, /^(attribute|input) 'config': /);
    assert.match(errors[0]!.message, expected);
    assert.doesNotMatch(r.stdout, /::group::/, 'no phase started');
    assert.deepEqual(r.outputs, {});
    assert.deepEqual(j.tempFiles(), []);
  }
});

test('action: an unknown config field is built, with a warning annotation naming it', async () => {
  const j = new Job();
  jobs.push(j);
  const r = await j.main({ name: 'cfg', contents: fx.hello, config: 'Cmd: [/bin/hello]\nFoo: 1', cache: 'false' });
  assert.equal(r.status, 0, r.stdout);
  const warnings = r.annotations.filter((a) => a.level === 'warning');
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['config.Foo: not a field of the image config (passed through as given; image readers ignore it)'],
  );
  assert.ok(fs.existsSync(r.outputs.archive!));
});
