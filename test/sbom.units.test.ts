// The SBOM's pure parts against Nix itself: names split as builtins.parseDrvName does,
// narHash in every notation Nix has printed; provenance modes as build-push-action spells them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { parseDrvName } from '../src/sbom/contents.ts';
import { narHashHex } from '../src/nix/pathInfo.ts';
import { parseProvenanceMode } from '../src/provenance/index.ts';
import { canonicalJson } from '../src/sbom/contents.ts';

const exec = promisify(execFile);

test('parseDrvName splits names exactly as builtins.parseDrvName', async () => {
  const names = ['hello-2.12', 'libgreet-1.0', 'busybox', 'python3-3.12.1-env', 'foo-bar-1.2-rc3', 'gcc-wrapper-13.2.0', 'x-1', 'a--1', 'glibc-2.38-44-bin', 'nix-docker-action', 'name-v2', 'linux-headers-6.6', '-1', 'abc-'];
  const expr = `builtins.map builtins.parseDrvName (builtins.fromJSON ''${JSON.stringify(names)}'')`;
  const { stdout } = await exec('nix-instantiate', ['--eval', '--json', '--strict', '-E', expr]);
  assert.deepEqual(names.map(parseDrvName), JSON.parse(stdout));
});

test('narHashHex reads SRI, nix32 and hex narHashes as the same digest; anything else is undefined', async () => {
  const hex = createHash('sha256').update('nar').digest('hex');
  const { stdout } = await exec('nix-hash', ['--type', 'sha256', '--to-base32', hex]);
  assert.equal(narHashHex(`sha256:${stdout.trim()}`), hex);
  assert.equal(narHashHex(`sha256-${Buffer.from(hex, 'hex').toString('base64')}`), hex);
  assert.equal(narHashHex(`sha256:${hex}`), hex);
  assert.equal(narHashHex(`sha512-${Buffer.alloc(64).toString('base64')}`), undefined);
  assert.equal(narHashHex('sha256:eeee'), undefined);
});

test('provenance modes: false/min/max, true = min, mode=max; others refused', () => {
  assert.deepEqual(['false', '', 'true', 'min', 'max', 'mode=max', 'MODE=min', 'sometimes'].map(parseProvenanceMode), ['false', 'false', 'min', 'min', 'max', 'max', 'min', undefined]);
});

test('canonicalJson sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: [{ d: 1, c: undefined, a: 2 }], a: null }), '{"a":null,"b":[{"a":2,"d":1}]}');
});
