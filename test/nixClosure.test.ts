// closureGraph, storeDir/nixVersion and the config reference check on the real Nix.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { closureGraph } from '../src/nix/closure.ts';
import { NixPathError } from '../src/nix/errors.ts';
import { storePathsInConfig } from '../src/nix/validity.ts';
import { nixVersion, storeDir } from '../src/nix/version.ts';
import { type NixFixtures, nixAvailable, nixFixtures, syntheticPaths, useOfflineNix } from './helpers/nixFixtures.ts';

const skip = nixAvailable() ? false : 'Nix is not installed';

describe('Nix adapter queries (real Nix)', { skip }, () => {
  let fx: NixFixtures;
  before(async () => {
    useOfflineNix();
    fx = await nixFixtures();
  });

  test('storeDir and nixVersion come from the running Nix', async () => {
    assert.equal(await storeDir(), fx.storeDir);
    const v = await nixVersion();
    const line = execFileSync('nix', ['--version'], { encoding: 'utf8' }).trim();
    assert.equal(v.text, line);
    assert.ok(v.major >= 2 && Number.isInteger(v.minor), JSON.stringify(v));
  });

  test('closure of hello: itself, libgreet and busybox, with references and sizes', async () => {
    const graph = await closureGraph([fx.hello]);
    assert.deepEqual(graph.map((n) => n.path), [fx.hello, fx.libgreet, fx.busybox].sort());
    const byPath = new Map(graph.map((n) => [n.path, n]));
    assert.deepEqual(byPath.get(fx.hello)!.references, [fx.libgreet, fx.busybox].sort());
    assert.deepEqual(byPath.get(fx.libgreet)!.references, [fx.busybox]);
    assert.deepEqual(byPath.get(fx.busybox)!.references, []);
    for (const n of graph) assert.ok(n.narSize > 0, `${n.path} narSize ${n.narSize}`);
    // the NAR of busybox holds the ~2 MB binary
    assert.ok(byPath.get(fx.busybox)!.narSize > 500_000);
  });

  test('roots below store paths, repeated roots, and a store path that is a symlink', async () => {
    const graph = await closureGraph([`${fx.hello}/bin/hello`, fx.hello, fx.storeSymlink]);
    assert.deepEqual(graph.map((n) => n.path), [fx.hello, fx.libgreet, fx.busybox, fx.storeSymlink].sort());
    assert.deepEqual(graph.find((n) => n.path === fx.storeSymlink)!.references, [fx.busybox]);
  });

  test('synthetic chain: the closure of the last path is all of them', async () => {
    const chain = await syntheticPaths(6, 'chain', 'closure');
    const graph = await closureGraph([chain.at(-1)!]);
    assert.deepEqual(graph.map((n) => n.path), [...chain].sort());
    for (let i = 1; i < chain.length; i++) {
      assert.deepEqual(graph.find((n) => n.path === chain[i])!.references, [chain[i - 1]]);
    }
  });

  test('no roots, no graph; an invalid root is an error naming it', async () => {
    assert.deepEqual(await closureGraph([]), []);
    const bogus = `${fx.storeDir}/00000000000000000000000000000000-bogus`;
    await assert.rejects(closureGraph([bogus]), (e: unknown) => e instanceof NixPathError && e.paths.includes(bogus));
    await assert.rejects(closureGraph(['/tmp/not-in-store']), NixPathError);
  });

  test('storePathsInConfig: Cmd/Entrypoint/Env references of a config, all valid', async () => {
    const config = {
      Entrypoint: [`${fx.busybox}/bin/sh`, '-c'],
      Cmd: [`${fx.hello}/bin/hello`],
      Env: [`PATH=${fx.busybox}/bin:/bin`, `GREET_LIB=${fx.libgreet}/lib/greet.sh`, 'LANG=C.UTF-8'],
      WorkingDir: '/',
    };
    assert.deepEqual(await storePathsInConfig(config), [fx.busybox, fx.hello, fx.libgreet]);
  });

  test('storePathsInConfig: a bogus store path is an error that names it', async () => {
    const bogus = `${fx.storeDir}/0123456789abcdfghijklmnpqrsvwxyz-bogus-1.0`;
    const config = { Cmd: [`${fx.hello}/bin/hello`], Env: [`TOOL=${bogus}/bin/tool`] };
    await assert.rejects(storePathsInConfig(config), (e: unknown) => {
      assert.ok(e instanceof NixPathError);
      assert.deepEqual(e.paths, [bogus]);
      assert.match(e.message, /^the image config refers to a store path that is not valid/);
      assert.ok(e.message.includes(bogus));
      return true;
    });
  });
});
