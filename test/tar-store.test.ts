// planStoreLayer against a reference: CPython's tarfile driven the way
// stream_layered_image.py drives it (test/fixtures/tar/python_layer.py), over
// real store paths built from test/fixtures/tar/store-paths.nix.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Ownership, PlannedTar } from '../src/model.ts';
import { planStoreLayer, TarError } from '../src/tar/index.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/tar/${name}`, import.meta.url));

async function bytesOf(tar: PlannedTar): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of tar.chunks()) parts.push(Buffer.from(chunk)); // chunks are reused buffers
  return Buffer.concat(parts);
}

function pythonLayer(paths: string[], own: Ownership): Buffer {
  return execFileSync('python3', [fixture('python_layer.py'), JSON.stringify({ paths, ...own })], {
    maxBuffer: 1 << 28,
  });
}

let tree = '';
let link = '';
let file = '';

before(() => {
  const out = execFileSync(
    'nix-build',
    ['--no-out-link', '--option', 'substituters', '', fixture('store-paths.nix')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  [tree, link, file] = out.trim().split('\n') as [string, string, string];
});

test('the fixture store paths hold every case the layer must handle', () => {
  const lst = (p: string): fs.Stats => fs.lstatSync(path.join(tree, p));
  assert.ok(lst('sub/hardlink').nlink > 1, 'a hard link');
  assert.ok(lst('sub/big').size > 1 << 20, 'a file over 1 MiB');
  assert.equal(lst('sub/script').mode & 0o777, 0o555, 'an executable');
  assert.ok(lst('a/dirlink').isSymbolicLink() && fs.statSync(path.join(tree, 'a/dirlink')).isDirectory());
  assert.ok(fs.readlinkSync(path.join(tree, 'a/long-target')).length > 100, 'a long symlink target');
  const deep = fs.readdirSync(path.join(tree, 'sub/deep/er'))[0]!;
  assert.ok(path.join(tree, 'sub/deep/er', deep, 'file-with-a-long-path').length > 100, 'a long name');
  assert.ok(fs.existsSync(path.join(tree, 'héllo-ü.txt')), 'a non-ASCII name');
  for (const p of ['a/b/file', 'a-c/file', 'a.txt']) assert.ok(fs.existsSync(path.join(tree, p)));
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'a store path that is a symlink');
  assert.ok(fs.lstatSync(file).isFile(), 'a store path that is a file');
});

const OWNERSHIPS: Array<[string, Ownership]> = [
  ['dockerTools defaults', { mtime: 1, uid: 0, gid: 0, uname: 'root', gname: 'root' }],
  ['other owner and time', { mtime: 1_700_000_000, uid: 1000, gid: 100, uname: 'user', gname: 'users' }],
  [
    'values that need pax records',
    { mtime: 8 ** 11 + 1, uid: 8 ** 7, gid: 3_000_000, uname: 'u'.repeat(40), gname: 'grüppe' },
  ],
];

for (const [what, own] of OWNERSHIPS) {
  test(`store layer equals python tarfile's, ${what}`, async () => {
    for (const paths of [[tree, link, file], [file, link, tree]]) {
      const tar = await planStoreLayer(paths, own);
      const ours = await bytesOf(tar);
      assert.equal(tar.size, ours.length, 'size is the bytes produced');
      const theirs = pythonLayer(paths, own);
      assert.equal(ours.length, theirs.length, 'same length as python');
      assert.ok(ours.equals(theirs), 'same bytes as python');
    }
  });
}

test('store layer order: /nix/, /nix/store/, then component by component', async () => {
  const own = { mtime: 1, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const ours = await bytesOf(await planStoreLayer([tree], own));
  const at = (name: string): number => ours.indexOf(Buffer.from(`${name}\0`));
  assert.equal(at('/nix/'), 0);
  assert.equal(at('/nix/store/'), 512);
  const order = ['/a/', '/a/b/', '/a/b/file', '/a/dirlink', '/a-c/', '/a-c/file', '/a.txt'].map((n) =>
    at(tree + n),
  );
  assert.ok(order.every((p) => p > 0), 'all found');
  assert.deepEqual([...order].sort((x, y) => x - y), order);
  assert.equal(at(`${tree}/a/dirlink/big`), -1, 'a symlinked directory is not descended');
});

test('only store paths are accepted', async () => {
  const own = { mtime: 1, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  for (const bad of ['/etc', '/nix/store', '/nix/store/', '/nix/store/..', `${tree}/bin`, 'nix/store/x']) {
    await assert.rejects(planStoreLayer([bad], own), TarError, bad);
  }
  await assert.rejects(planStoreLayer([tree], { ...own, mtime: 1.5 }), /mtime/);
});

test('a file that changed size after planning is an error naming it', async () => {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-store-'));
  const own = { mtime: 1, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const small = path.join(storeDir, 'aaa-small');
  // /nix/, /nix/store/ and this file's header take 3 blocks: its content
  // exactly fills the first 1 MiB chunk, so growth is found by an extra read.
  const exact = path.join(storeDir, 'bbb-exact');
  const cases: Array<[string, number, (p: string) => void, RegExp]> = [
    [small, 1000, (p) => fs.appendFileSync(p, 'x'), /aaa-small changed .* grown/],
    [small, 1000, (p) => fs.truncateSync(p, 10), /aaa-small changed .* ended after 10/],
    [exact, (1 << 20) - 1536, (p) => fs.appendFileSync(p, 'x'), /bbb-exact changed .* grown/],
    [exact, (1 << 20) - 1536, (p) => fs.truncateSync(p, 0), /bbb-exact changed .* ended after 0/],
  ];
  for (const [p, size, change, message] of cases) {
    fs.writeFileSync(p, Buffer.alloc(size, 1));
    const tar = await planStoreLayer([p], own, { storeDir });
    assert.equal((await bytesOf(tar)).length, tar.size, 'unchanged: fine, and again');
    change(p);
    await assert.rejects(bytesOf(tar), message);
  }
  fs.rmSync(storeDir, { recursive: true });
});
