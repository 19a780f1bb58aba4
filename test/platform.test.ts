// Target platforms: the `platforms` syntax, installables realised per Nix system, and the
// check that a store path is for the platform it goes into (real Nix, real arm64 busybox).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { hostPlatform, installableFor, parsePlatforms, platformName, PlatformError } from '../src/image/platform.ts';
import { NixPathError } from '../src/nix/errors.ts';
import { realise } from '../src/nix/realise.ts';
import { elfMachine, pathSystems, requireSystem } from '../src/nix/systemCheck.ts';
import { silentLogger } from '../src/util/log.ts';
import { allowAarch64Builds, arm64Busybox, multiarchFlake } from './helpers/multiarch.ts';
import { findBusybox, nixAvailable, useOfflineNix } from './helpers/nixFixtures.ts';

test('platforms: build-push-action syntax → OCI platform and Nix system', () => {
  const ps = parsePlatforms('linux/amd64, linux/arm64\nlinux/arm/v7,linux/arm/v6');
  assert.deepEqual(ps, [
    { os: 'linux', architecture: 'amd64', system: 'x86_64-linux' },
    { os: 'linux', architecture: 'arm64', system: 'aarch64-linux' },
    { os: 'linux', architecture: 'arm', variant: 'v7', system: 'armv7l-linux' },
    { os: 'linux', architecture: 'arm', variant: 'v6', system: 'armv6l-linux' },
  ]);
  // containerd's normal forms, and Nix's own names.
  assert.deepEqual(parsePlatforms(['linux/arm64/v8', 'linux/arm', 'riscv64-linux']).map(platformName), ['linux/arm64', 'linux/arm/v7', 'linux/riscv64']);
  assert.equal(parsePlatforms('aarch64-linux')[0]!.architecture, 'arm64');
  assert.equal(hostPlatform('x64').system, 'x86_64-linux');
  assert.equal(hostPlatform('arm64').system, 'aarch64-linux');
});

test('platforms: one-line errors naming the entry', () => {
  assert.throws(() => parsePlatforms('linux/amd64,windows/amd64'), (e: Error) => e instanceof PlatformError && /'windows\/amd64': only linux/.test(e.message));
  assert.throws(() => parsePlatforms('linux/sparc'), /'linux\/sparc': unknown platform; known: linux\/386, linux\/amd64, linux\/arm64,/);
  assert.throws(() => parsePlatforms('linux/amd64,x86_64-linux'), /'x86_64-linux': linux\/amd64 is listed twice/);
  assert.throws(() => parsePlatforms(' , '), /no platform given/);
  assert.throws(() => parsePlatforms('linux/arm/v7/x'), /expected os\/architecture\[\/variant\]/);
});

test('installables: {system} names the platform\'s Nix system', () => {
  const [amd64, arm64] = parsePlatforms('linux/amd64,linux/arm64');
  assert.equal(installableFor('.#packages.{system}.app', arm64!), '.#packages.aarch64-linux.app');
  assert.equal(installableFor('./default.nix#hello', amd64!), './default.nix#hello');
});

test('ELF header: Debian\'s arm64 busybox-static is an aarch64 binary, the host\'s an x86_64 one', async () => {
  assert.equal(await elfMachine(arm64Busybox()), 183); // EM_AARCH64
  assert.equal(await elfMachine(findBusybox()), 62); // EM_X86_64
});

describe('per-platform realisation (real Nix)', { skip: nixAvailable() ? false : 'Nix is not installed' }, () => {
  let flake: string;
  before(() => {
    useOfflineNix();
    allowAarch64Builds();
    flake = multiarchFlake();
  });

  test('.#app is packages.<system>.app for the system asked; the store paths say which', async () => {
    const [x86] = await realise(['.#app'], silentLogger, { cwd: flake, system: 'x86_64-linux' });
    const [arm] = await realise(['.#app'], silentLogger, { cwd: flake, system: 'aarch64-linux' });
    assert.notEqual(x86, arm);
    const [explicit] = await realise([installableFor('.#packages.{system}.app', parsePlatforms('linux/arm64')[0]!)], silentLogger, { cwd: flake });
    assert.equal(explicit, arm);
    assert.deepEqual(
      (await pathSystems([x86!, arm!])).map((s) => [s.system, s.source]),
      [
        ['x86_64-linux', 'derivation'],
        ['aarch64-linux', 'derivation'],
      ],
    );
    await requireSystem([arm!], 'aarch64-linux');
    await assert.rejects(
      requireSystem([x86!], 'aarch64-linux', () => '.#app'),
      (e: Error) => e instanceof NixPathError && e.message === `.#app: ${x86} is not for aarch64-linux (its derivation is for x86_64-linux)`,
    );
  });

  test('a path without a derivation is judged by its ELF headers; one without binaries fits every system', async () => {
    const added = execFileSync('nix-store', ['--add', arm64Busybox()], { encoding: 'utf8' }).trim();
    assert.deepEqual(await pathSystems([added]), [{ path: added, system: 'aarch64-linux', source: 'elf' }]);
    await requireSystem([added], 'aarch64-linux');
    await assert.rejects(requireSystem([added], 'x86_64-linux'), /is not for x86_64-linux \(its binaries are for aarch64-linux\)/);
    const text = execFileSync('nix-store', ['--add', new URL('./fixtures/multiarch/flake.nix', import.meta.url).pathname], { encoding: 'utf8' }).trim();
    await requireSystem([text], 'aarch64-linux');
    await requireSystem([text], 'x86_64-linux');
  });
});
