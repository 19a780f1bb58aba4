// realise() on the real Nix: every kind of item, and the errors a user will meet.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NixCommandError, NixNotFoundError, NixPathError } from '../src/nix/errors.ts';
import { realise, realiseDetailed } from '../src/nix/realise.ts';
import { invalidPaths } from '../src/nix/validity.ts';
import { silentLogger } from '../src/util/log.ts';
import { type NixFixtures, nixAvailable, nixFixtures, useOfflineNix } from './helpers/nixFixtures.ts';

const skip = nixAvailable() ? false : 'Nix is not installed';
const log = silentLogger;

describe('realise (real Nix)', { skip }, () => {
  let fx: NixFixtures;
  let tmp: string;
  /** A derivation no earlier run has built: its name carries this run's id. */
  let fresh: string;

  before(async () => {
    useOfflineNix();
    fx = await nixFixtures();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-realise-'));
    fresh = `realise-test-${process.pid}-${Date.now()}`;
    const drv = (name: string, text: string): string =>
      `derivation { name = "${name}"; system = "${nixSystem()}"; builder = "/bin/sh"; ` +
      `PATH = "/usr/bin:/bin"; args = [ "-c" "echo ${text} > $out" ]; }`;
    fs.writeFileSync(path.join(tmp, 'single.nix'), `${drv(fresh, 'single')}\n`);
    fs.writeFileSync(path.join(tmp, 'set.nix'), `{ a.b = ${drv(`${fresh}-ab`, 'ab')}; }\n`);
    fs.mkdirSync(path.join(tmp, 'flake'));
    fs.writeFileSync(
      path.join(tmp, 'flake/flake.nix'),
      `{ outputs = { self }: { packages.${nixSystem()}.default = ${drv(`${fresh}-flake`, 'flake')}; }; }\n`,
    );
    fs.symlinkSync(fx.hello, path.join(tmp, 'result'));
    fs.symlinkSync(fx.storeSymlink, path.join(tmp, 'result-link'));
    fs.symlinkSync('result', path.join(tmp, 'result-chain'));
    fs.symlinkSync('/etc/hostname', path.join(tmp, 'outside'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('a valid store path is returned as is', async () => {
    assert.deepEqual(await realise([fx.hello, fx.busybox], log), [fx.hello, fx.busybox]);
  });

  test('a path below a store path stands for the store path, and is kept in paths', async () => {
    const [r] = await realiseDetailed([`${fx.hello}/bin/hello`], log);
    assert.deepEqual(r, { item: `${fx.hello}/bin/hello`, storePaths: [fx.hello], paths: [`${fx.hello}/bin/hello`] });
  });

  test('./result links (also chained, also below) lead to their store path', async () => {
    const got = await realiseDetailed(['./result', 'result-chain', 'result/bin/hello'], log, { cwd: tmp });
    assert.deepEqual(
      got.map((r) => r.storePaths),
      [[fx.hello], [fx.hello], [fx.hello]],
    );
    assert.equal(got[2]!.paths[0], `${fx.hello}/bin/hello`);
  });

  test('a link to a store path that is itself a symlink names that store path, not its target', async () => {
    assert.deepEqual(await realise([path.join(tmp, 'result-link')], log), [fx.storeSymlink]);
  });

  test('file.nix builds what is not valid yet; file.nix#attr picks an attribute', async () => {
    const [single] = await realise(['single.nix'], log, { cwd: tmp });
    assert.match(single!, new RegExp(`^${fx.storeDir}/[a-z0-9]{32}-${fresh}$`));
    assert.equal(fs.readFileSync(single!, 'utf8'), 'single\n');
    assert.deepEqual(await invalidPaths([single!]), []);
    const [ab] = await realise([path.join(tmp, 'set.nix#a.b')], log);
    assert.equal(fs.readFileSync(ab!, 'utf8'), 'ab\n');
  });

  test('a .drv path is built and stands for its outputs', async () => {
    const drv = execFileSync('nix-instantiate', [path.join(tmp, 'set.nix'), '-A', 'a.b'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    assert.match(drv, /\.drv$/);
    const [out] = await realise([drv], log);
    assert.equal(fs.readFileSync(out!, 'utf8'), 'ab\n');
  });

  test('a flake reference is built with nix build', async () => {
    const [out] = await realise(['.#default'], log, { cwd: path.join(tmp, 'flake') });
    assert.equal(fs.readFileSync(out!, 'utf8'), 'flake\n');
  });

  test('results are unique across items', async () => {
    assert.deepEqual(await realise([fx.hello, './result', `${fx.hello}/bin`], log, { cwd: tmp }), [fx.hello]);
  });

  test('a missing local path or one outside the store is a clear error', async () => {
    await assert.rejects(realise(['./no-such-result'], log, { cwd: tmp }), (e: unknown) => {
      assert.ok(e instanceof NixPathError);
      assert.match(e.message, /^\.\/no-such-result: not a store path, a link into the store/);
      return true;
    });
    await assert.rejects(realise(['outside'], log, { cwd: tmp }), NixPathError);
  });

  test('an unknown attribute fails with the command and Nix’s message', async () => {
    await assert.rejects(realise(['set.nix#a.nope'], log, { cwd: tmp }), (e: unknown) => {
      assert.ok(e instanceof NixCommandError);
      const command = /^cannot realise set\.nix#a\.nope: `nix-build --no-out-link \S*set\.nix -A a\.nope` failed/;
      assert.match(e.message, command);
      assert.match(e.message, /nope/);
      return true;
    });
    const flake = realise(['.#nope'], log, { cwd: path.join(tmp, 'flake') });
    await assert.rejects(flake, /: cannot realise \.#nope: `nix .* build --no-link --json \.#nope` failed.*nope/s);
  });

  test('a store path nothing can provide is an error naming it', async () => {
    const bogus = `${fx.storeDir}/00000000000000000000000000000000-not-there`;
    await assert.rejects(realise([fx.hello, bogus], log), (e: unknown) => {
      assert.ok(e instanceof NixPathError);
      assert.deepEqual(e.paths, [bogus]);
      assert.match(e.message, /could not be substituted/);
      return true;
    });
  });

  test('without Nix on PATH: one line saying what to install', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'empty-bin');
    fs.mkdirSync(process.env.PATH);
    try {
      await assert.rejects(realise([fx.hello], log), (e: unknown) => {
        assert.ok(e instanceof NixNotFoundError);
        assert.doesNotMatch(e.message, /\n/);
        assert.match(e.message, /^Nix is not installed: `nix-[a-z]+` was not found on PATH\. Install Nix/);
        return true;
      });
    } finally {
      process.env.PATH = saved;
    }
  });
});

/** Flakes evaluate purely (no builtins.currentSystem), so the system is spelled out. */
function nixSystem(): string {
  return `${os.arch() === 'arm64' ? 'aarch64' : 'x86_64'}-linux`;
}
