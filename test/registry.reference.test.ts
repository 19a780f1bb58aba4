// Image references parsed as docker parses them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReference, InvalidReferenceError, manifestReference, parseReference, registryApiHost } from '../src/registry/reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('Docker Hub names: docker.io, library/ for single names', () => {
  assert.deepEqual(parseReference('nginx'), { registry: 'docker.io', repository: 'library/nginx' });
  assert.deepEqual(parseReference('nginx:1.25'), { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' });
  assert.deepEqual(parseReference('user/app'), { registry: 'docker.io', repository: 'user/app' });
  assert.deepEqual(parseReference('docker.io/nginx'), { registry: 'docker.io', repository: 'library/nginx' });
  assert.deepEqual(parseReference('index.docker.io/user/app:v1'), { registry: 'docker.io', repository: 'user/app', tag: 'v1' });
  assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryApiHost('ghcr.io'), 'ghcr.io');
});

test('registry hosts: a dot, a port, localhost, or upper case in the first component', () => {
  assert.deepEqual(parseReference('ghcr.io/owner/repo:tag'), { registry: 'ghcr.io', repository: 'owner/repo', tag: 'tag' });
  assert.deepEqual(parseReference('127.0.0.1:5000/a/b/c'), { registry: '127.0.0.1:5000', repository: 'a/b/c' });
  assert.deepEqual(parseReference('localhost/app:1'), { registry: 'localhost', repository: 'app', tag: '1' });
  assert.deepEqual(parseReference('localhost:5000/app'), { registry: 'localhost:5000', repository: 'app' });
  assert.deepEqual(parseReference('Myhost/app'), { registry: 'Myhost', repository: 'app' });
  assert.deepEqual(parseReference('[::1]:5000/app'), { registry: '[::1]:5000', repository: 'app' });
  // Without a slash, "localhost:5000" is Hub's library/localhost with tag 5000, as in docker.
  assert.deepEqual(parseReference('localhost:5000'), { registry: 'docker.io', repository: 'library/localhost', tag: '5000' });
});

test('tags and digests, alone or together', () => {
  assert.deepEqual(parseReference(`ghcr.io/o/r@${D}`), { registry: 'ghcr.io', repository: 'o/r', digest: D });
  assert.deepEqual(parseReference(`ghcr.io/o/r:v1@${D}`), { registry: 'ghcr.io', repository: 'o/r', tag: 'v1', digest: D });
  assert.deepEqual(parseReference('host:5000/r:5000'), { registry: 'host:5000', repository: 'r', tag: '5000' });
  assert.equal(manifestReference(parseReference(`ghcr.io/o/r:v1@${D}`)), D);
  assert.equal(manifestReference(parseReference('ghcr.io/o/r')), 'latest');
  assert.equal(formatReference(parseReference('nginx:1')), 'docker.io/library/nginx:1');
  assert.equal(formatReference(parseReference(`ghcr.io/o/r:v1@${D}`)), `ghcr.io/o/r:v1@${D}`);
  assert.deepEqual(parseReference('a/b_c__d-e.f---g:T_a.g-1'), { registry: 'docker.io', repository: 'a/b_c__d-e.f---g', tag: 'T_a.g-1' });
});

test('invalid references fail with an error naming them', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['ghcr.io/Owner/repo', /must be lowercase/],
    ['repo:', /tag ""/],
    ['repo:-bad', /tag "-bad"/],
    [`repo:${'x'.repeat(129)}`, /tag/],
    ['repo@sha256:abc', /not a digest/],
    [`repo@sha256:${'A'.repeat(64)}`, /64 lower-case hex/],
    ['a//b', /path component/],
    ['a/-b', /path component/],
    ['a/b_', /path component/],
    ['ghcr.io/', /no repository/],
    ['ho_st.io/app', /not a registry host/],
    ['a'.repeat(64), /image ID/],
    [`x.io/${'a'.repeat(260)}`, /longer than 255/],
  ];
  for (const [input, reason] of bad) {
    assert.throws(
      () => parseReference(input),
      (e: unknown) => e instanceof InvalidReferenceError && e.reference === input && e.message.startsWith(`invalid image reference "${input}": `) && reason.test(e.message),
      input,
    );
  }
});
