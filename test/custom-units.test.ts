// Pieces of the customisation layer that need no fakeroot, proot or Nix.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { withDevices } from '../src/custom/devices.ts';
import { cleanLayer, elfInterpreter, existingPaths } from '../src/custom/fakechroot.ts';
import { fakerootView, parseFakerootState } from '../src/custom/fakerootView.ts';
import { findStoreRefs } from '../src/custom/storeRefs.ts';
import type { PlannedTar } from '../src/model.ts';
import { planDirectoryTar } from '../src/tar/index.ts';
import { listTar, tarBytes, tempDir } from './fixtures/custom/store.ts';

const work = tempDir('custom-units-');
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('parses a fakeroot save file and joins it with the tree by device and inode', () => {
  const root = path.join(work, 'view');
  fs.mkdirSync(path.join(root, 'dir'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dir/file'), '');
  fs.writeFileSync(path.join(root, 'node'), '');
  fs.writeFileSync(path.join(root, 'untouched'), '');
  const st = (rel: string) => fs.lstatSync(path.join(root, rel), { bigint: true });
  const line = (rel: string, mode: string, uid: number, gid: number, rdev: number) =>
    `dev=${st(rel).dev.toString(16)},ino=${st(rel).ino},mode=${mode},uid=${uid},gid=${gid},nlink=1,rdev=${rdev}`;
  const text = [
    line('dir', '42750', 1000, 100, 0),
    line('dir/file', '104755', 0, 5, 0),
    line('node', '60640', 0, 6, (8 << 8) | 17),
    'dev=1,ino=1,mode=100644,uid=9,gid=9,nlink=1,rdev=0',
    '',
  ].join('\n');
  const view = fakerootView(root, parseFakerootState(text));
  assert.deepEqual(view.owners.get('./dir'), { uid: 1000, gid: 100 });
  assert.equal(view.modes.get('./dir'), 0o2750);
  assert.equal(view.modes.get('./dir/file'), 0o4755);
  assert.deepEqual(view.devices.get('./node'), { type: 'block', major: 8, minor: 17 });
  assert.equal(view.owners.has('./untouched'), false);
  assert.equal(view.owners.size, 3);
  assert.throws(() => parseFakerootState('garbage\n'), /unexpected line/);
});

/** The same archive cut into `size`-byte chunks. */
function rechunk(tar: PlannedTar, size: number): PlannedTar {
  return {
    size: tar.size,
    async *chunks() {
      const all = await tarBytes(tar);
      for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
    },
  };
}

test('device headers are rewritten wherever the chunks are cut', async () => {
  const root = path.join(work, 'devices');
  const long = `d/${'x'.repeat(120)}`;
  fs.mkdirSync(path.join(root, 'd'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a-file'), 'content that is not a device\n');
  fs.writeFileSync(path.join(root, long), '');
  fs.writeFileSync(path.join(root, 'd/null'), '');
  const devices = new Map([
    [`./${long}`, { type: 'char' as const, major: 1, minor: 3 }],
    ['./d/null', { type: 'block' as const, major: 259, minor: 65536 }],
  ]);
  const plan = await planDirectoryTar(root, { dialect: 'gnu', mtime: 315532800 });
  const whole = await tarBytes(withDevices(plan, devices));
  assert.equal(whole.length, plan.size);
  for (const size of [7, 100, 512, 513, 4096]) {
    assert.ok((await tarBytes(withDevices(rechunk(plan, size), devices))).equals(whole), `chunks of ${size}`);
  }
  const listing = listTar(whole);
  assert.match(listing, new RegExp(`^c.* 1,3 .* \\./${long}$`, 'm'));
  assert.match(listing, /^b.* 259,65536 .* \.\/d\/null$/m);
  assert.match(listing, /^-.* \.\/a-file$/m);
  // GNU tar verifies checksums while listing; an unchanged plan stays unchanged.
  assert.ok((await tarBytes(withDevices(plan, new Map()))).equals(await tarBytes(plan)));
});

test('storeRefs finds hashes of existing store paths only, across read chunks', async () => {
  const store = path.join(work, 'store');
  const h1 = '0'.repeat(31) + 'a';
  const h2 = 'b'.repeat(32);
  const h3 = 'c'.repeat(32);
  for (const n of [`${h1}-one`, `${h2}-two`, `${h3}-three.drv`]) fs.mkdirSync(path.join(store, n), { recursive: true });
  const root = path.join(work, 'refs');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  const big = Buffer.alloc((1 << 20) + 100, 'x'.charCodeAt(0));
  Buffer.from(`${store}/${h1}-one`).copy(big, (1 << 20) - 40); // spans the 1 MiB read boundary
  fs.writeFileSync(path.join(root, 'sub/big'), big);
  fs.symlinkSync(`${store}/${h3}-three.drv`, path.join(root, 'drv-link'));
  fs.writeFileSync(path.join(root, 'no-ref'), 'dddddddddddddddddddddddddddddddddddd\n');
  assert.deepEqual(await findStoreRefs(root, store), [`${store}/${h1}-one`]);
  fs.mkdirSync(path.join(root, `${h2}-named-after-it`));
  assert.deepEqual(await findStoreRefs(root, store), [`${store}/${h1}-one`, `${store}/${h2}-two`]);
});

test('reads the ELF interpreter of the host tools', async () => {
  const bash = execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();
  const interp = await elfInterpreter(fs.realpathSync(bash));
  assert.ok(interp !== null && interp.startsWith('/') && interp.includes('ld-'), String(interp));
  assert.equal(await elfInterpreter('/bin/busybox'), null, 'static');
  assert.equal(await elfInterpreter(path.join(work, 'refs/no-ref')), null, 'not ELF');
});

test('clean-up after proot drops excluded paths and new empty mount points only', async () => {
  const root = path.join(work, 'clean');
  for (const d of ['dev/pts', 'proc', 'sys', 'nix/store/x', 'nix/var', 'lib64', 'usr/lib/x86_64-linux-gnu', 'etc']) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
  }
  fs.writeFileSync(path.join(root, 'etc/keep'), '');
  const mounts = ['/lib64', '/usr/lib/x86_64-linux-gnu', '/etc/ld.so.cache'];
  const before = await existingPaths(root, mounts);
  assert.deepEqual([...before].sort(), ['/etc', '/lib64', '/usr', '/usr/lib', '/usr/lib/x86_64-linux-gnu']);
  fs.rmdirSync(path.join(root, 'lib64'));
  fs.mkdirSync(path.join(root, 'lib64'));
  fs.writeFileSync(path.join(root, 'etc/ld.so.cache'), ''); // proot's placeholder for a file bind
  await cleanLayer(root, mounts, new Set(['/etc']));
  const left = execFileSync('find', ['.', '-mindepth', '1'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  assert.deepEqual(left, ['./etc', './etc/keep', './nix', './nix/var']);
});
