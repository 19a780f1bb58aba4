import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, functionName, readSpecFile, SpecError, UsageError } from '../src/spec/index.ts';
import { parseArgs } from '../src/cli/args.ts';
import type { RawAttributes } from '../src/spec/index.ts';

const flags = (argv: string[]) => parseArgs('buildLayeredImage', argv).raw;

test('defaults follow the dockerTools manual', () => {
  const spec = parseSpec('buildLayeredImage', flags(['--name', 'hello']));
  assert.equal(spec.tag, null);
  assert.deepEqual(spec.contents, []);
  assert.equal(spec.maxLayers, 100);
  assert.equal(spec.created, '1970-01-01T00:00:01Z');
  assert.equal(spec.mtime, '1970-01-01T00:00:01Z');
  assert.equal(spec.uid, 0);
  assert.equal(spec.uname, 'root');
  assert.equal(spec.compressor, 'gz');
  assert.equal(spec.includeStorePaths, true);
  assert.equal(spec.includeNixDB, false);
  assert.equal(spec.architecture, process.arch === 'x64' ? 'amd64' : spec.architecture);
  assert.equal(parseSpec('streamLayeredImage', new Map([['name', { json: 'x' }]])).compressor, 'none');
  assert.equal(parseSpec('buildLayeredImageWithNixDb', new Map([['name', { json: 'x' }]])).includeNixDB, true);
});

test('flags: repeated lists, JSON lists, JSON objects, numbers, bare booleans', () => {
  const spec = parseSpec(
    'buildLayeredImage',
    flags(['--name', 'x', '--contents', '/nix/store/a', '--contents=["/nix/store/b","/nix/store/c"]', '--config', '{"Cmd":["/bin/sh"]}', '--maxLayers', '7', '--includeNixDB', '--enableFakechroot', 'false']),
  );
  assert.deepEqual(spec.contents, ['/nix/store/a', '/nix/store/b', '/nix/store/c']);
  assert.deepEqual(spec.config, { Cmd: ['/bin/sh'] });
  assert.equal(spec.maxLayers, 7);
  assert.equal(spec.includeNixDB, true);
  assert.equal(spec.enableFakechroot, false);
});

test('flags: given empty, a string attribute is "" as in a spec file (--sha256 "" asks for the hash); where null means unset, not given', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const pull = (argv: string[]) => parseSpec('pullImage', parseArgs('pullImage', ['--imageName', 'alpine', '--imageDigest', digest, ...argv]).raw) as unknown as { sha256: unknown };
  assert.equal(pull(['--sha256', '']).sha256, '');
  assert.equal(pull(['--sha256=']).sha256, '');
  assert.deepEqual(pull(['--sha256', '']), parseSpec('pullImage', new Map([['imageName', { json: 'alpine' }], ['imageDigest', { json: digest }], ['sha256', { json: '' }]])));
  assert.throws(() => pull([]), (e: unknown) => e instanceof SpecError && e.message === "attribute 'sha256': is required");
  assert.throws(() => pull(['--sha256', '', '--sha256', 'x']), (e: unknown) => e instanceof SpecError && e.message === "attribute 'sha256': given more than once");
  assert.equal(parseSpec('buildImage', parseArgs('buildImage', ['--name', 'x', '--runAsRoot', '']).raw).runAsRoot, null);
  assert.equal(parseSpec('buildLayeredImage', flags(['--name', 'x', '--tag', ''])).tag, null);
});

test('config may be YAML text (action inputs)', () => {
  const spec = parseSpec('buildLayeredImage', new Map<string, { text: string[] }>([['name', { text: ['x'] }], ['config', { text: ['Cmd: [/bin/hello]\nEnv:\n  - A=1'] }]]) as RawAttributes);
  assert.deepEqual(spec.config, { Cmd: ['/bin/hello'], Env: ['A=1'] });
});

const bad: [string, string[], RegExp][] = [
  ['unknown attribute', ['--name', 'x', '--maxLayer', '3'], /^attribute 'maxLayer': not an attribute of buildLayeredImage/],
  ['maxLayers must be > 1', ['--name', 'x', '--maxLayers', '1'], /^attribute 'maxLayers': expected an integer >= 2, got number 1$/],
  ['maxLayers not a number', ['--name', 'x', '--maxLayers', 'many'], /^attribute 'maxLayers': expected an integer, got 'many'$/],
  ['bad compressor', ['--name', 'x', '--compressor', 'xz'], /^attribute 'compressor': expected one of none, gz, zstd, got 'xz'$/],
  ['bad created', ['--name', 'x', '--created', 'yesterday'], /^attribute 'created': expected an ISO-8601 date and time or "now"/],
  ['bad config JSON', ['--name', 'x', '--config', '{"Cmd":'], /^attribute 'config': invalid JSON/],
  ['config not an object', ['--name', 'x', '--config', '[1]'], /^attribute 'config': expected an attribute set/],
  ['bad boolean', ['--name', 'x', '--includeNixDB=maybe'], /^attribute 'includeNixDB': expected true or false, got 'maybe'$/],
  ['missing name', ['--tag', 'x'], /^attribute 'name': is required$/],
  ['negative uid', ['--name', 'x', '--uid', '-1'], /^attribute 'uid': expected an integer >= 0/],
];
for (const [what, argv, re] of bad) {
  test(`bad input: ${what} → one line naming the attribute`, () => {
    assert.throws(
      () => parseSpec('buildLayeredImage', flags(argv)),
      (err: unknown) => err instanceof SpecError && re.test(err.message) && !err.message.includes('\n'),
    );
  });
}

test('spec file values are checked by type, not coerced', () => {
  assert.throws(() => parseSpec('buildLayeredImage', new Map([['name', { json: 'x' }], ['maxLayers', { json: '5' }]])), /attribute 'maxLayers': expected an integer, got '5'/);
  assert.throws(() => readSpecFile('/nonexistent/spec.json'), UsageError);
});

test('function names: known, unknown', () => {
  assert.equal(functionName('streamLayeredImage'), 'streamLayeredImage');
  assert.equal(functionName('buildImage'), 'buildImage');
  assert.equal(functionName('mergeImages'), 'mergeImages');
  assert.equal(functionName('streamNixShellImage'), 'streamNixShellImage');
  assert.equal(functionName('buildNixShellImage'), 'buildNixShellImage');
  assert.throws(() => functionName('frobnicate'), /unknown function 'frobnicate'/);
});
