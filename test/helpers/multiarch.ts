// Fixtures for multi-platform images: Debian's static busybox for arm64 (beside the
// host's x86_64 one) and a copy of test/fixtures/multiarch/flake.nix with both binaries.
//
// The arm64 binary comes from the Debian archive at test time; the machine needs
//   dpkg --add-architecture arm64 && apt-get update
// once (scripts/setup.sh). Nix builds the aarch64-linux fixture derivations on this
// x86_64 machine when it is told `extra-platforms = aarch64-linux` (MULTIARCH_NIX_CONFIG):
// their builder is the host's /bin/sh and only copies the binary.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBusybox } from './nixFixtures.ts';

const FLAKE = fileURLToPath(new URL('../fixtures/multiarch/flake.nix', import.meta.url));

/** What Nix needs to build the fixtures' aarch64-linux derivations here (appended to NIX_CONFIG). */
export const MULTIARCH_NIX_CONFIG = 'extra-platforms = aarch64-linux';

/** Lets this process's Nix commands (the engine's included) build aarch64-linux fixtures. */
export function allowAarch64Builds(): void {
  const current = process.env.NIX_CONFIG ?? '';
  if (!current.includes(MULTIARCH_NIX_CONFIG)) process.env.NIX_CONFIG = [current, MULTIARCH_NIX_CONFIG].filter(Boolean).join('\n');
}

let arm64: string | undefined;

/** Debian's busybox-static for arm64, downloaded and unpacked once per machine (under the temp dir). */
export function arm64Busybox(): string {
  if (arm64) return arm64;
  const dir = path.join(os.tmpdir(), 'nix-docker-test-busybox-arm64');
  const bin = path.join(dir, 'root', 'bin', 'busybox');
  if (!fs.existsSync(bin)) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-docker-busybox-arm64-'));
    try {
      try {
        execFileSync('apt-get', ['download', 'busybox-static:arm64'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (err) {
        throw new Error(`apt-get download busybox-static:arm64 failed (run \`dpkg --add-architecture arm64 && apt-get update\` once): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
      }
      const deb = fs.readdirSync(work).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download busybox-static:arm64 left no .deb');
      execFileSync('dpkg-deb', ['-x', path.join(work, deb), path.join(work, 'root')]);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      fs.renameSync(work, dir);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  arm64 = bin;
  return bin;
}

/** A directory holding the fixture flake and both busybox binaries; `.#app` etc. resolve from it. */
export function multiarchFlake(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-docker-multiarch-flake-'));
  fs.copyFileSync(FLAKE, path.join(dir, 'flake.nix'));
  fs.copyFileSync(findBusybox(), path.join(dir, 'busybox-x86_64-linux'));
  fs.copyFileSync(arm64Busybox(), path.join(dir, 'busybox-aarch64-linux'));
  return dir;
}
