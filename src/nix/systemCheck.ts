// Is a store path for the platform an image is built for? A multi-platform image whose
// arm64 manifest carries an x86_64 binary runs nowhere, and fails only when started.
//
// Two sources, best first:
//   1. the derivation's `system`, read from its deriver (`nix-store --query --deriver`,
//      then `nix show-derivation`) when the .drv is in the store: exact, and it covers
//      paths without binaries (scripts, data) as well. `builtin` (fetchurl) derivations
//      are for every system.
//   2. otherwise (substituted without its .drv, added with `nix-store --add`), the ELF
//      headers of the path's files: the first ELF file's machine decides. A path with no
//      ELF file (text, data) is for every system.
// Only the paths the user named are checked, not their closures: a closure follows
// from its roots, and reading every .drv of a large closure would cost seconds.

import fs from 'node:fs/promises';
import path from 'node:path';
import { showDerivation } from './derivation.ts';
import { NixPathError } from './errors.ts';
import { lines, run } from './exec.ts';
import { invalidPaths } from './validity.ts';

/** ELF e_machine → the Nix systems whose binaries carry it. */
const ELF_MACHINES: Record<number, string[]> = {
  3: ['i686-linux'],
  8: ['mips64el-linux'],
  21: ['powerpc64le-linux'],
  22: ['s390x-linux'],
  40: ['armv7l-linux', 'armv6l-linux'],
  62: ['x86_64-linux'],
  183: ['aarch64-linux'],
  243: ['riscv64-linux'],
  258: ['loongarch64-linux'],
};

/** The files looked at, at most, in one path without a known derivation. */
const ELF_SCAN_LIMIT = 5000;

export interface PathSystem {
  path: string;
  /** The system it is for, or null when it is for every system (no derivation and no ELF file, or `builtin`). */
  system: string | null;
  /** How that was found. */
  source: 'derivation' | 'elf' | 'none';
}

/** Fails, naming the first path that is for another system than `system`. */
export async function requireSystem(storePaths: readonly string[], system: string, item: (p: string) => string = (p) => p): Promise<void> {
  for (const found of await pathSystems(storePaths)) {
    if (found.system === null || found.system === system) continue;
    // One ELF machine serves several systems (armv6l and armv7l binaries are both EM_ARM).
    if (found.source === 'elf' && sameMachine(found.system).includes(system)) continue;
    const how = found.source === 'derivation' ? 'its derivation is for' : 'its binaries are for';
    throw new NixPathError(`${item(found.path)}: ${found.path} is not for ${system} (${how} ${found.system})`, [found.path]);
  }
}

function sameMachine(system: string): string[] {
  return Object.values(ELF_MACHINES).find((systems) => systems.includes(system)) ?? [system];
}

/** The system of each valid store path (see the top of this file). */
export async function pathSystems(storePaths: readonly string[]): Promise<PathSystem[]> {
  if (storePaths.length === 0) return [];
  const derivers = lines(await run('nix-store', ['--query', '--deriver', ...storePaths]));
  if (derivers.length !== storePaths.length) throw new Error(`nix-store --query --deriver printed ${derivers.length} lines for ${storePaths.length} paths`);
  const known = derivers.filter((d) => d.endsWith('.drv'));
  const missing = new Set(known.length > 0 ? await invalidPaths(known) : []);
  const out: PathSystem[] = [];
  for (const [i, p] of storePaths.entries()) {
    const drv = derivers[i]!;
    if (drv.endsWith('.drv') && !missing.has(drv)) {
      const { system } = await showDerivation(drv);
      out.push({ path: p, system: system === 'builtin' ? null : system, source: 'derivation' });
      continue;
    }
    const machine = await firstElfMachine(p);
    const systems = machine === undefined ? undefined : ELF_MACHINES[machine];
    out.push(machine === undefined ? { path: p, system: null, source: 'none' } : { path: p, system: systems?.[0] ?? `elf-machine-${machine}`, source: 'elf' });
  }
  return out;
}

/** The e_machine of the first ELF file under `root` (depth first, names sorted), if any. */
export async function firstElfMachine(root: string): Promise<number | undefined> {
  let seen = 0;
  const visit = async (p: string): Promise<number | undefined> => {
    if (++seen > ELF_SCAN_LIMIT) return undefined;
    const st = await fs.lstat(p);
    if (st.isFile() && st.size >= 20) return elfMachine(p);
    if (!st.isDirectory()) return undefined;
    for (const name of (await fs.readdir(p)).sort()) {
      const m = await visit(path.join(p, name));
      if (m !== undefined) return m;
    }
    return undefined;
  };
  return visit(root);
}

/** The e_machine of an ELF file (its first 20 bytes), undefined for any other file. */
export async function elfMachine(file: string): Promise<number | undefined> {
  const fh = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(20);
    const { bytesRead } = await fh.read(head, 0, 20, 0);
    if (bytesRead < 20 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
    // EI_DATA (byte 5): 1 little-endian, 2 big-endian; e_machine is a half-word at 18.
    return head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  } finally {
    await fh.close();
  }
}
