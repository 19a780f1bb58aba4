// The fixtures the whole suite builds on have the shapes they promise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { type NixFixtures, nixAvailable, nixFixtures, syntheticPaths } from './helpers/nixFixtures.ts';

const skip = nixAvailable() ? false : 'Nix is not installed';

const refs = (p: string): string[] =>
  execFileSync('nix-store', ['--query', '--references', p], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();

describe('Nix test fixtures', { skip }, () => {
  let fx: NixFixtures;
  before(async () => {
    fx = await nixFixtures();
  });

  test('are built once per process', async () => {
    assert.equal(await nixFixtures(), fx);
    assert.equal(fx.all.length, 7);
    assert.equal(new Set(fx.all).size, 7);
    for (const p of fx.all) assert.equal(path.dirname(p), fx.storeDir);
  });

  test('busybox: the binary and applet links', () => {
    const bin = path.join(fx.busybox, 'bin');
    assert.ok(fs.statSync(path.join(bin, 'busybox')).size > 500_000);
    for (const a of ['sh', 'echo', 'cat', 'ls', 'stat', 'id']) {
      assert.equal(fs.readlinkSync(path.join(bin, a)), 'busybox', a);
    }
    assert.deepEqual(refs(fx.busybox), []);
  });

  test('hello runs through busybox and libgreet, and refers to both', () => {
    const script = fs.readFileSync(path.join(fx.hello, 'bin/hello'), 'utf8');
    assert.ok(script.startsWith(`#!${fx.busybox}/bin/sh\n`));
    assert.equal(execFileSync(path.join(fx.hello, 'bin/hello'), { encoding: 'utf8' }), 'Hello, world!\n');
    assert.deepEqual(refs(fx.hello), [fx.busybox, fx.libgreet].sort());
    assert.deepEqual(refs(fx.libgreet), [fx.busybox]);
  });

  test('nested tree, symlinks, hard links and a long name', () => {
    assert.equal(fs.readFileSync(path.join(fx.nested, 'a/b/c/file'), 'utf8'), 'deep\n');
    for (const d of ['a-c', 'a.b', 'a0', 'empty-dir']) assert.ok(fs.statSync(path.join(fx.nested, d)).isDirectory());
    assert.equal(fs.readlinkSync(path.join(fx.nested, 'dir-link')), 'a/b');
    assert.ok(fs.statSync(path.join(fx.nested, 'dir-link')).isDirectory());
    assert.equal(fs.statSync(path.join(fx.nested, 'a/run.sh')).mode & 0o777, 0o555);

    assert.ok(fs.lstatSync(fx.storeSymlink).isSymbolicLink());
    assert.equal(fs.readlinkSync(fx.storeSymlink), `${fx.busybox}/bin/busybox`);
    assert.deepEqual(refs(fx.storeSymlink), [fx.busybox]);

    const one = fs.statSync(path.join(fx.hardLinks, 'data/one'));
    const two = fs.statSync(path.join(fx.hardLinks, 'data/two'));
    assert.equal(one.ino, two.ino);
    assert.equal(one.nlink, 2);

    assert.ok(Buffer.byteLength(fx.longName) > 100, fx.longName);
    const [long] = fs.readdirSync(path.join(fx.longName, 'share'));
    assert.equal(long!.length, 120);
  });

  test('synthetic chains and diamonds, distinct per tag', async () => {
    const chain = await syntheticPaths(4, 'chain', 'fx');
    assert.equal(chain.length, 4);
    assert.deepEqual(refs(chain[0]!), []);
    for (let i = 1; i < 4; i++) assert.deepEqual(refs(chain[i]!), [chain[i - 1]]);

    const diamond = await syntheticPaths(5, 'diamond', 'fx');
    assert.deepEqual(refs(diamond[0]!), []);
    for (let i = 1; i < 4; i++) assert.deepEqual(refs(diamond[i]!), [diamond[0]]);
    assert.deepEqual(refs(diamond[4]!), diamond.slice(1, 4).sort());

    const other = await syntheticPaths(4, 'chain', 'fx2');
    assert.equal(new Set([...chain, ...other]).size, 8);
    assert.equal((await syntheticPaths(3, 'independent', 'fx')).length, 3);
    await assert.rejects(syntheticPaths(0), /positive integer/);
  });
});
