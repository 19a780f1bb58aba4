import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pythonJson, sortKeysDeep } from '../src/image/pyjson.ts';
import { formatCreated, imageConfig, mergeEnv } from '../src/image/config.ts';
import { toNixBase32 as nixBase32 } from '../src/nix/base32.ts';

test('pythonJson matches python json.dumps(indent=4) byte for byte', () => {
  const value = { b: [1, { 'z"q': 'é\u007f\n\t😀\\' }], a: {}, c: [], d: null, e: true, f: -3 };
  const py = execFileSync('python3', ['-c', 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=4))'], { input: JSON.stringify(value) }).toString();
  assert.equal(pythonJson(value), py);
});

test('config keys are sorted like Nix attribute sets, recursively', () => {
  assert.deepEqual(Object.keys(sortKeysDeep({ b: 1, a: { d: 1, c: 2 } }) as object), ['a', 'b']);
});

test('Env: base first, child wins, a variable keeps its first position', () => {
  assert.deepEqual(mergeEnv(['PATH=/a', 'A=1', 'B=2'], ['A=9', 'C=3']), ['PATH=/a', 'A=9', 'B=2', 'C=3']);
  assert.equal(mergeEnv(undefined, []), undefined);
  const cfg = imageConfig({ created: 'x', architecture: 'amd64', config: { Cmd: ['a'] }, baseConfig: { Env: ['A=1'], Cmd: ['base'] }, layers: [] });
  assert.deepEqual(cfg.config, { Cmd: ['a'], Env: ['A=1'] });
});

test('created: seconds form for dates, microseconds for now', () => {
  assert.equal(formatCreated(new Date('1970-01-01T00:00:01Z'), false), '1970-01-01T00:00:01+00:00');
  assert.equal(formatCreated(new Date('2024-05-06T07:08:09.123Z'), true), '2024-05-06T07:08:09.123000+00:00');
});

test('nixBase32 agrees with nix', () => {
  const hex = 'ab'.repeat(32);
  const nix = execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'to-base32', '--type', 'sha256', hex]).toString().trim();
  assert.equal(nixBase32(Buffer.from(hex, 'hex')), nix);
});
