// The Nix adapter's pure parts: store path syntax, installable syntax, and every output
// shape of the Nix versions we support (recorded or written after Nix's own test data).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { parsePathInfoJson, pathInfoFormatArgs } from '../src/nix/closure.ts';
import { NixPathError } from '../src/nix/errors.ts';
import { parseInstallable } from '../src/nix/installable.ts';
import { parseBuildJson } from '../src/nix/realise.ts';
import { formatRegistration, parseRegistration } from '../src/nix/registration.ts';
import { storePathsInValue, toStorePath } from '../src/nix/storePath.ts';
import { parseNixVersion, parseStoreDir } from '../src/nix/version.ts';

const SD = '/nix/store';
const HELLO = '/nix/store/8zvv1cw1lw0m8dxpb8vbmjj4gq9lavwh-hello-2.12';
const LIBGREET = '/nix/store/9mzas0cdmyc9ycckw8z1vasrw79bb16w-libgreet-1.0';
const BUSYBOX = '/nix/store/wd4zbjfwkwsk31iiv296n164g6alvbvb-busybox';
const sample = (name: string): string =>
  fs.readFileSync(new URL(`fixtures/nix/path-info/${name}`, import.meta.url), 'utf8');

describe('parsePathInfoJson', () => {
  const expected = [
    { path: HELLO, narSize: 624, references: [LIBGREET, BUSYBOX] },
    { path: LIBGREET, narSize: 1096, references: [BUSYBOX] },
    { path: BUSYBOX, narSize: 1989648, references: [] },
  ];

  for (const file of ['nix-2.8-array.json', 'nix-2.19-object.json', 'nix-2.33-format2.json']) {
    test(`reads ${file} into the same sorted graph`, () => {
      assert.deepEqual(parsePathInfoJson(sample(file), SD), expected);
    });
  }

  test('base names use the storeDir the output names, not the fallback', () => {
    const text = JSON.stringify({
      version: 2,
      storeDir: '/other/store',
      info: {
        'wd4zbjfwkwsk31iiv296n164g6alvbvb-busybox': {
          narSize: 1,
          references: ['wd4zbjfwkwsk31iiv296n164g6alvbvb-busybox'],
        },
      },
    });
    assert.deepEqual(parsePathInfoJson(text, SD), [
      {
        path: '/other/store/wd4zbjfwkwsk31iiv296n164g6alvbvb-busybox',
        narSize: 1,
        references: ['/other/store/wd4zbjfwkwsk31iiv296n164g6alvbvb-busybox'],
      },
    ]);
  });

  test('invalid paths (old {valid:false}, new null) are an error naming them', () => {
    const bogus = '/nix/store/00000000000000000000000000000000-nope';
    const old = JSON.stringify([{ path: bogus, valid: false }]);
    const neu = JSON.stringify({ [bogus]: null });
    const v2 = JSON.stringify({ version: 2, storeDir: SD, info: { '00000000000000000000000000000000-nope': null } });
    for (const text of [old, neu, v2]) {
      assert.throws(
        () => parsePathInfoJson(text, SD),
        (e: unknown) => e instanceof NixPathError && e.paths[0] === bogus,
      );
    }
  });

  test('output without narSize is rejected', () => {
    assert.throws(() => parsePathInfoJson(JSON.stringify({ [HELLO]: { references: [] } }), SD), /narSize/);
  });
});

describe('storePathsInValue', () => {
  test('finds paths in strings at any depth, cut at the first slash, unique, in order', () => {
    const config = {
      Cmd: [`${HELLO}/bin/hello`, '--greeting', 'hi'],
      Entrypoint: [`${BUSYBOX}/bin/sh`, '-c'],
      Env: [`PATH=${BUSYBOX}/bin:${LIBGREET}/bin:/usr/bin`, 'PLAIN=1', `AGAIN=${HELLO}`],
      Labels: { [`${LIBGREET}`]: 'as a key', n: 3, t: true, z: null },
      WorkingDir: '/nix/store',
    };
    assert.deepEqual(storePathsInValue(config, SD), [HELLO, BUSYBOX, LIBGREET]);
  });

  test('ignores look-alikes: bad hash alphabet or length, no name, another store dir', () => {
    const value = [
      '/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-has-e', // e is not in Nix's base-32
      '/nix/store/8zvv1cw1lw0m8dxpb8vbmjj4gq9lavw-short',
      '/nix/store/8zvv1cw1lw0m8dxpb8vbmjj4gq9lavwh',
      '/gnu/store/8zvv1cw1lw0m8dxpb8vbmjj4gq9lavwh-hello',
    ];
    assert.deepEqual(storePathsInValue(value, SD), []);
    assert.deepEqual(storePathsInValue(value, '/gnu/store'), ['/gnu/store/8zvv1cw1lw0m8dxpb8vbmjj4gq9lavwh-hello']);
  });

  test('a name stops at characters Nix does not allow in names', () => {
    assert.deepEqual(storePathsInValue(`"${HELLO}": ok`, SD), [HELLO]);
  });
});

describe('toStorePath', () => {
  test('cuts below-paths and rejects what is not in the store', () => {
    assert.equal(toStorePath(`${HELLO}/bin/hello`, SD), HELLO);
    assert.equal(toStorePath(HELLO, SD), HELLO);
    assert.equal(toStorePath('/nix/store', SD), undefined);
    assert.equal(toStorePath('/nix/store/.links', SD), undefined);
    assert.equal(toStorePath('/tmp/x', SD), undefined);
  });
});

describe('parseInstallable', () => {
  const kind = (s: string) => parseInstallable(s, SD);
  test('store paths, paths below them and derivations', () => {
    assert.deepEqual(kind(HELLO), { kind: 'store', item: HELLO, path: HELLO, storePath: HELLO });
    assert.deepEqual(kind(`${HELLO}/bin/hello`), {
      kind: 'store',
      item: `${HELLO}/bin/hello`,
      path: `${HELLO}/bin/hello`,
      storePath: HELLO,
    });
    const drv = '/nix/store/zryb7n93lnl4447wggb4w8sfns2w3mxx-hello-2.12.drv';
    assert.deepEqual(kind(drv), { kind: 'drv', item: drv, drvPath: drv });
  });
  test('.nix files with and without an attribute path', () => {
    assert.deepEqual(kind('./default.nix'), {
      kind: 'nixFile',
      item: './default.nix',
      file: './default.nix',
      attr: undefined,
    });
    assert.deepEqual(kind('ci/image.nix#images.web'), {
      kind: 'nixFile',
      item: 'ci/image.nix#images.web',
      file: 'ci/image.nix',
      attr: 'images.web',
    });
  });
  test('flake installables', () => {
    const refs = ['.#hello', 'nixpkgs#hello', 'github:NixOS/nixpkgs/nixos-24.05#hello', '/nix/store/x.drv^*', 'path:.'];
    for (const s of refs) {
      assert.deepEqual(kind(s), { kind: 'flake', item: s, ref: s });
    }
  });
  test('anything else is a local path to follow into the store', () => {
    assert.deepEqual(kind('./result'), { kind: 'local', item: './result', path: './result' });
    assert.deepEqual(kind('result-bin/bin/x'), { kind: 'local', item: 'result-bin/bin/x', path: 'result-bin/bin/x' });
  });
  test('empty is an error', () => {
    assert.throws(() => kind('  '), NixPathError);
  });
});

describe('parseBuildJson', () => {
  test('Nix 2.8: builds and opaque {path}', () => {
    const out = JSON.stringify([
      { drvPath: '/nix/store/7ypr8acnncpvs2awflg93s6qrpxd6r81-flk-two.drv', outputs: { out: HELLO, dev: LIBGREET } },
      { path: BUSYBOX },
    ]);
    assert.deepEqual(parseBuildJson(out, SD), [HELLO, LIBGREET, BUSYBOX]);
  });
  test('current Nix: opaque paths as bare strings, timings beside outputs', () => {
    const out = JSON.stringify([BUSYBOX, { drvPath: 'x.drv', outputs: { out: HELLO }, startTime: 1, stopTime: 2 }]);
    assert.deepEqual(parseBuildJson(out, SD), [BUSYBOX, HELLO]);
  });
});

describe('version and store dir', () => {
  test('nix --version lines', () => {
    assert.deepEqual(parseNixVersion('nix (Nix) 2.8.0\n'), { major: 2, minor: 8, patch: 0, text: 'nix (Nix) 2.8.0' });
    assert.deepEqual(parseNixVersion('nix (Determinate Nix 3.6.2) 2.29.0'), {
      major: 2,
      minor: 29,
      patch: 0,
      text: 'nix (Determinate Nix 3.6.2) 2.29.0',
    });
    assert.equal(parseNixVersion('nix (Nix) 2.33').minor, 33);
    assert.equal(parseNixVersion('nix (Lix, like Nix) 2.91.1').minor, 91);
    assert.throws(() => parseNixVersion('no version here'));
  });
  test('path-info asks for JSON format 1 only where the flag exists', () => {
    const args = (line: string) => pathInfoFormatArgs(parseNixVersion(line));
    assert.deepEqual(args('nix (Nix) 2.8.0'), []);
    assert.deepEqual(args('nix (Nix) 2.32.4'), []);
    assert.deepEqual(args('nix (Nix) 2.33.0'), ['--json-format', '1']);
    assert.deepEqual(args('nix (Determinate Nix 3.11.0) 2.34.1'), ['--json-format', '1']);
    assert.deepEqual(args('nix (Lix, like Nix) 2.93.0'), []);
  });
  test('builtins.storeDir', () => {
    assert.equal(parseStoreDir('"/nix/store"\n'), '/nix/store');
    assert.throws(() => parseStoreDir('"relative"'));
  });
});

describe('registration text', () => {
  test('round-trips nix-store --dump-db output', () => {
    const text =
      `${HELLO}\nca8c7ef1d058aea223272d91fbb7b168905acf22b7d75c15bf0309f8b2a000de\n576\n` +
      `/nix/store/zryb7n93lnl4447wggb4w8sfns2w3mxx-hello-2.12.drv\n2\n${LIBGREET}\n${BUSYBOX}\n` +
      `${BUSYBOX}\n82051f2d245265231531a9956692bdaa99aae31fe12ef4b71d35a413e28ac1ed\n1983120\n\n0\n`;
    const entries = parseRegistration(text);
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0]!.references, [LIBGREET, BUSYBOX]);
    assert.equal(entries[1]!.deriver, '');
    assert.equal(entries[1]!.narSize, 1983120);
    assert.equal(formatRegistration(entries), text);
  });
  test('truncated input is an error', () => {
    assert.throws(() => parseRegistration(`${HELLO}\nabc\n576\n\n2\n${LIBGREET}\n`), /truncated/);
  });
});
