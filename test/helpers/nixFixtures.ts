// Real store paths for the whole test suite, built from test/fixtures/nix/default.nix
// with the local Nix (no nixpkgs needed; the payload is the host's static busybox).
// Builds once per process; across processes Nix's own cache makes it a ~0.2 s check.
// Independent of src/nix on purpose: a bug in the adapter must not hide in its fixtures.

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_NIX = fileURLToPath(new URL('../fixtures/nix/default.nix', import.meta.url));

export interface NixFixtures {
  storeDir: string;
  /** bin/busybox plus applet symlinks (bin/sh, echo, cat, ls, stat, id, ... where the binary has them). */
  busybox: string;
  /** Library-like: lib/greet.sh (defines `greet`), share/libgreet/greeting; refers to busybox. */
  libgreet: string;
  /** bin/hello: `#!<busybox>/bin/sh` sourcing libgreet, prints "Hello, world!"; refers to busybox and libgreet. */
  hello: string;
  /** a/b/c/file, a/b/file (0444), a/run.sh (0555), a-c/, a.b/, a0/, empty-dir/, dir-link -> a/b, a/rel-file-link. */
  nested: string;
  /** A store path that is itself a symlink, to `<busybox>/bin/busybox`. */
  storeSymlink: string;
  /** data/one and data/two: one inode. */
  hardLinks: string;
  /** Name long enough for a >100-byte path, holding share/<120 y's>. */
  longName: string;
  /** Every path above. */
  all: string[];
}

const ATTRS = ['busybox', 'libgreet', 'hello', 'nested', 'storeSymlink', 'hardLinks', 'longName'] as const;

/** Options every fixture build passes: no binary cache (these machines have no internet). */
const OFFLINE = ['--option', 'substituters', ''];

let built: Promise<NixFixtures> | undefined;

/** True when the Nix tools are on PATH (tests on real Nix skip otherwise). */
export function nixAvailable(): boolean {
  try {
    execFileSync('nix-build', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The static busybox the fixtures copy: $NIX_DOCKER_TEST_BUSYBOX, or `busybox` on PATH, by its real path. */
export function findBusybox(): string {
  const candidates = [
    process.env.NIX_DOCKER_TEST_BUSYBOX,
    ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'busybox')),
    '/bin/busybox',
  ];
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return fs.realpathSync(c);
  }
  throw new Error(
    'the Nix test fixtures need a static busybox: apt-get install busybox-static (or set NIX_DOCKER_TEST_BUSYBOX)',
  );
}

/** Builds (once per process) and returns the fixture store paths. */
export function nixFixtures(): Promise<NixFixtures> {
  built ??= (async () => {
    const out = await nixBuild(ATTRS.flatMap((a) => ['-A', a]));
    if (out.length !== ATTRS.length) throw new Error(`fixtures: expected ${ATTRS.length} paths, got ${out.join(' ')}`);
    const byName = Object.fromEntries(ATTRS.map((a, i) => [a, out[i]!])) as Record<(typeof ATTRS)[number], string>;
    return { storeDir: path.dirname(byName.busybox), ...byName, all: out };
  })();
  return built;
}

export type SyntheticShape = 'chain' | 'diamond' | 'independent';

/**
 * `n` small store paths (a text file each) with references in `shape`, in index order:
 * chain (each refers to the previous), diamond (p0 <- every middle <- the last), or
 * independent. `tag` makes the paths distinct from other callers' (default "t").
 */
export async function syntheticPaths(n: number, shape: SyntheticShape = 'chain', tag = 't'): Promise<string[]> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`syntheticPaths: n must be a positive integer, not ${n}`);
  if (!/^[A-Za-z0-9_-]+$/.test(tag)) throw new Error(`syntheticPaths: tag must be [A-Za-z0-9_-]+, not ${tag}`);
  const out = await nixBuild([
    '-A',
    'synthetic',
    '--arg',
    'n',
    String(n),
    '--argstr',
    'shape',
    shape,
    '--argstr',
    'tag',
    tag,
  ]);
  if (out.length !== n) throw new Error(`syntheticPaths: expected ${n} paths, got ${out.length}`);
  return out;
}

/**
 * Makes the Nix commands of this process (the adapter under test included) skip binary
 * caches, so nothing waits on network time-outs. Appends to NIX_CONFIG.
 */
export function useOfflineNix(): void {
  const line = 'substituters =';
  const cur = process.env.NIX_CONFIG ?? '';
  if (!cur.split('\n').includes(line)) process.env.NIX_CONFIG = cur ? `${cur}\n${line}` : line;
}

function nixBuild(args: string[]): Promise<string[]> {
  const busybox = findBusybox();
  const argv = ['--no-out-link', ...OFFLINE, FIXTURES_NIX, '--arg', 'busyboxBin', busybox, ...args];
  return new Promise((resolve, reject) => {
    execFile('nix-build', argv, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const tail = stderr.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`nix-build ${argv.join(' ')} failed: ${err.message}\n${tail}`));
      } else {
        resolve(stdout.split('\n').filter((l) => l.trim() !== ''));
      }
    });
  });
}
