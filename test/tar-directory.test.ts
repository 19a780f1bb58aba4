// planDirectoryTar against the real GNU tar (gnu dialect) and CPython's
// TarFile.add (python-pax dialect, test/fixtures/tar/python_dir.py), on one
// temporary tree with every kind of entry.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PlannedTar } from '../src/model.ts';
import { planDirectoryTar, TarError } from '../src/tar/index.ts';

const PY_DIR = fileURLToPath(new URL('fixtures/tar/python_dir.py', import.meta.url));
const NIXPKGS_FLAGS = ['--format=gnu', '--sort=name', '--mtime=@315532800', '--hard-dereference'];

async function bytesOf(tar: PlannedTar): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of tar.chunks()) parts.push(Buffer.from(chunk)); // chunks are reused buffers
  const all = Buffer.concat(parts);
  assert.equal(all.length, tar.size, 'size is the bytes produced');
  return all;
}

function gnuTar(dir: string, flags: string[]): Buffer {
  const r = spawnSync('tar', [...NIXPKGS_FLAGS, ...flags, '-C', dir, '-cf', '-', '.'], {
    maxBuffer: 1 << 28,
  });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

/** The first differing member name, to make a mismatch readable. */
function firstDifference(ours: Buffer, theirs: Buffer): string {
  for (let off = 0; off < Math.min(ours.length, theirs.length); off += 512) {
    if (!ours.subarray(off, off + 512).equals(theirs.subarray(off, off + 512))) {
      return `at ${off}: ours ${JSON.stringify(ours.subarray(off, off + 100).toString('latin1'))}, ` +
        `theirs ${JSON.stringify(theirs.subarray(off, off + 100).toString('latin1'))}`;
    }
  }
  return `lengths ${ours.length} and ${theirs.length}`;
}

function assertSameTar(ours: Buffer, theirs: Buffer, what: string): void {
  assert.ok(ours.equals(theirs), `${what}: ${firstDifference(ours, theirs)}`);
}

let root = '';
let hasDevice = false;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-dir-'));
  const p = (...parts: string[]): string => path.join(root, ...parts);
  const file = (rel: string, content: string | Buffer, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(p(rel)), { recursive: true });
    fs.writeFileSync(p(rel), content);
    fs.chmodSync(p(rel), mode);
  };
  file('a/b/file', 'b\n');
  file('a-c', 'c\n');
  fs.mkdirSync(p('a.b'));
  file('A', 'upper\n');
  file('_', 'underscore\n');
  file('é/ü', 'accents\n');
  file('😀', 'emoji\n');
  fs.writeFileSync(Buffer.from([...Buffer.from(`${root}/raw-`), 0xff, 0xfe]), 'raw\n');
  fs.mkdirSync(p('empty'), { mode: 0o700 });
  fs.chmodSync(p('empty'), 0o700);
  file('setuid', '#!/bin/sh\n', 0o4755);
  file('private', 'secret\n', 0o600);
  file('none', '', 0o000);
  fs.mkdirSync(p('sticky'));
  fs.chmodSync(p('sticky'), 0o1777);
  file('hard1', 'same inode\n');
  fs.linkSync(p('hard1'), p('a/hard2'));
  file('big', Buffer.from(Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join('')));
  file('n'.repeat(98), 'name of 100 with ./\n');
  file('n'.repeat(99), 'name of 101 with ./\n');
  fs.mkdirSync(p('d'.repeat(97)));
  fs.mkdirSync(p('D'.repeat(98)));
  file(`deep/${'segment/'.repeat(20)}file`, 'deep\n');
  fs.symlinkSync('t'.repeat(100), p('sym100'));
  fs.symlinkSync('t'.repeat(101), p('sym101'));
  fs.symlinkSync('../a-c', p('a/link'));
  fs.symlinkSync('a', p('dirlink'));
  execFileSync('mkfifo', [p('fifo')]);
  execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(p('sock'))})`]);
  hasDevice = spawnSync('mknod', [p('null'), 'c', '1', '3']).status === 0;
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

test('gnu: the nixpkgs customisation-layer command', async () => {
  const ours = await bytesOf(await planDirectoryTar(root, { dialect: 'gnu', mtime: 315532800 }));
  const theirs = gnuTar(root, ['--numeric-owner', '--owner=0', '--group=0']);
  assertSameTar(ours, theirs, 'nixpkgs flags');
  assert.ok(hasDevice || process.getuid?.() !== 0, 'root can make a device node');
  // The tree really has what the comparison claims.
  for (const name of ['./a/b/file', './a-c', './sym100', './empty/', './fifo', './hard1', './a/hard2']) {
    assert.ok(ours.includes(Buffer.from(`${name}\0`)), name);
  }
  const hardLinkType = ours[ours.indexOf(Buffer.from('./a/hard2\0')) + 156];
  assert.equal(String.fromCharCode(hardLinkType!), '0', 'a hard link is a regular file');
  assert.equal(ours.indexOf(Buffer.from('./sock\0')), -1, 'sockets are skipped');
  assert.equal(ours.indexOf(Buffer.from('./dirlink/b')), -1, 'a symlinked directory is not descended');
  assert.ok(ours.includes(Buffer.from('././@LongLink\0')));
});

test('gnu: owners beyond octal range use base-256', async () => {
  const ours = await bytesOf(
    await planDirectoryTar(root, { dialect: 'gnu', mtime: 315532800, uid: 3_000_000, gid: 20_000_000 }),
  );
  assertSameTar(ours, gnuTar(root, ['--numeric-owner', '--owner=3000000', '--group=20000000']), 'base-256');
});

test('gnu: owner names (no --numeric-owner)', async () => {
  const ours = await bytesOf(
    await planDirectoryTar(root, {
      dialect: 'gnu',
      mtime: 315532800,
      uid: 1000,
      gid: 100,
      numericOwner: false,
      uname: 'user',
      gname: 'users',
    }),
  );
  assertSameTar(ours, gnuTar(root, ['--owner=user:1000', '--group=users:100']), 'owner names');
});

test('gnu: owners and modes replayed from fakeroot', async () => {
  // fakeroot changes what tar sees, not the files: a copy keeps `root` intact.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-fakeroot-'));
  execFileSync('cp', ['-a', `${root}/.`, copy]);
  const script = [
    'chown 1000:100 a/b/file',
    'chown -h 5:6 a/link',
    'chown 7:8 empty',
    'chmod 4700 a-c',
    'chmod 0750 a',
    `tar ${NIXPKGS_FLAGS.join(' ')} --numeric-owner -cf "$OUT" .`,
  ].join(' && ');
  const out = path.join(copy, '..', `${path.basename(copy)}.tar`);
  execFileSync('fakeroot', ['--', 'sh', '-c', `cd "${copy}" && ${script}`], {
    env: { ...process.env, OUT: out },
    stdio: ['ignore', 'ignore', 'pipe'], // GNU tar warns "socket ignored"
  });
  const theirs = fs.readFileSync(out);
  fs.rmSync(out);
  // What fakeroot recorded, keyed as `find .` prints paths. Run on the copy
  // too: fakeroot's chmod also reaches the file system.
  const ours = await bytesOf(
    await planDirectoryTar(copy, {
      dialect: 'gnu',
      mtime: 315532800,
      owners: new Map([
        ['./a/b/file', { uid: 1000, gid: 100 }],
        ['./a/link', { uid: 5, gid: 6 }],
        ['./empty', { uid: 7, gid: 8 }],
      ]),
      modes: new Map([
        ['./a-c', 0o4700],
        ['./a', 0o750],
      ]),
    }),
  );
  fs.rmSync(copy, { recursive: true, force: true });
  assertSameTar(ours, theirs, 'fakeroot');
});

test('python-pax: equals TarFile.add of the same tree', async () => {
  const own = { mtime: 1_700_000_000, uid: 1000, gid: 100, uname: 'user', gname: 'users' };
  const ours = await bytesOf(
    await planDirectoryTar(root, { dialect: 'python-pax', numericOwner: false, ...own }),
  );
  const theirs = execFileSync('python3', [PY_DIR, root, JSON.stringify(own)], { maxBuffer: 1 << 28 });
  assertSameTar(ours, theirs, 'python-pax');
});

test('prefix: names under it, the root left out when empty', async () => {
  const small = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-prefix-'));
  fs.mkdirSync(path.join(small, 'etc'));
  fs.writeFileSync(path.join(small, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  const names = async (prefix: string): Promise<string[]> => {
    const bytes = await bytesOf(await planDirectoryTar(small, { dialect: 'gnu', mtime: 0, prefix }));
    const out: string[] = [];
    for (let off = 0; bytes[off] !== 0; ) {
      out.push(bytes.subarray(off, off + 100).toString().replace(/\0.*$/s, ''));
      const size = parseInt(bytes.subarray(off + 124, off + 135).toString(), 8);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    return out;
  };
  assert.deepEqual(await names('./'), ['./', './etc/', './etc/passwd']);
  assert.deepEqual(await names(''), ['etc/', 'etc/passwd']);
  assert.deepEqual(await names('/'), ['/', '/etc/', '/etc/passwd']);
  assert.deepEqual(await names('root'), ['root/', 'root/etc/', 'root/etc/passwd']);
  fs.rmSync(small, { recursive: true });
});

test('options are checked', async () => {
  await assert.rejects(planDirectoryTar(root, { dialect: 'gnu', mtime: 0, uname: 'x' }), TarError);
  await assert.rejects(planDirectoryTar(path.join(root, 'a-c'), { dialect: 'gnu', mtime: 0 }), /not a directory/);
  await assert.rejects(planDirectoryTar(root, { dialect: 'gnu', mtime: 0.5 }), /mtime/);
});
