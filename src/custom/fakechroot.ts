// enableFakechroot: fakeRootCommands run under proot with the layer as `/`.
//
// nixpkgs runs, from the build directory:
//   proot -r $PWD/old_out --bind=/dev/:/dev/! --bind=/proc/:/proc/! \
//     --bind=/sys/:/sys/! --bind=/nix/store/:/nix/store/! \
//     --bind=$out/layer.tar:$out/layer.tar! --pwd=/ fakeroot bash -e -c '...'
// where fakeroot, bash and every tool on PATH are store paths, so the bound
// store makes them work inside. Ours come from the host (/usr/bin, linked
// against /lib/...), which the layer does not have; so, without covering any
// path of the layer:
// - each host PATH directory is bound under HOST_PREFIX and PATH inside is
//   rewritten to those (store directories on PATH stay as they are);
// - the host's ELF interpreter and its library directories (and fakeroot's
//   LD_LIBRARY_PATH directories) are bound at their own paths, which a layer
//   normally lacks (/lib64, /lib/x86_64-linux-gnu, ...); one the layer has is
//   not bound, and a missing interpreter is an error;
// - proot shows a bind's missing parents as "glue" directories that exist
//   only inside; nixpkgs' tar, run inside, therefore records a `./nix/` (mode
//   0755) when the layer has none, and excludes ./dev, ./proc, ./sys and
//   ./nix/store. We create `nix` up front instead, capture from outside, and
//   delete the excluded paths; mount points proot left on disk are removed.

import { lstat, mkdir, chmod, readFile, realpath, rm, rmdir } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { CustomisationError } from './errors.ts';
import { capture } from './run.ts';

/** Where host PATH directories appear inside the chroot. */
export const HOST_PREFIX = '/.nix-docker-host';

/** Paths nixpkgs' tar leaves out of a fakechroot layer (`--exclude=./dev` ...). */
export const EXCLUDED = ['dev', 'proc', 'sys', 'nix/store'] as const;

export interface ChrootPlan {
  /** proot arguments up to (not including) the command. */
  prootArgs: string[];
  /** PATH inside. */
  path: string;
  /** The host bash as seen inside. */
  bash: string;
  /** Guest paths of our own binds, for clean-up. */
  mountPoints: string[];
}

/** PT_INTERP of an ELF file, or null for a static binary or a non-ELF file. */
export async function elfInterpreter(file: string): Promise<string | null> {
  const b = await readFile(file);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) return null;
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const phoff = is64 ? u64(0x20) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (u32(p) !== 3) continue; // PT_INTERP
    const off = is64 ? u64(p + 0x08) : u32(p + 0x04);
    const size = is64 ? u64(p + 0x20) : u32(p + 0x10);
    return b.subarray(off, off + size).toString('latin1').replace(/\0.*$/s, '');
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Whether `guestPath` can be bound without covering anything of the layer:
 * it is absent and every existing parent is a real directory.
 */
async function free(layer: string, guestPath: string): Promise<boolean> {
  const parts = guestPath.split('/').filter(Boolean);
  let p = layer;
  for (let i = 0; i < parts.length; i++) {
    p = join(p, parts[i]!);
    const st = await lstat(p).catch(() => null);
    if (st === null) return true;
    if (i === parts.length - 1 || !st.isDirectory()) return false;
  }
  return false;
}

/** Library directories the loader resolves `bin`'s libraries from (`ld.so --list`). */
async function libraryDirs(interp: string, bin: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = (await capture([interp, '--list', bin], env)).toString('utf8');
  const dirs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s*\(0x/.exec(line);
    if (m !== null) dirs.add(dirname(m[1]!));
  }
  return [...dirs];
}

export interface ChrootInputs {
  layer: string;
  storeDir: string;
  /** Host bash (absolute). */
  bash: string;
  /** PATH of the host, whose directories are made visible inside. */
  hostPath: string;
  /** LD_LIBRARY_PATH as fakeroot sets it (its library directory). */
  fakerootLibraryPath: string;
  env: NodeJS.ProcessEnv;
}

export async function planChroot(inp: ChrootInputs): Promise<ChrootPlan> {
  const binds: [string, string][] = [
    ['/dev/', '/dev/'],
    ['/proc/', '/proc/'],
    ['/sys/', '/sys/'],
    [`${inp.storeDir}/`, `${inp.storeDir}/`],
  ];
  const mountPoints: string[] = [];
  const bind = (host: string, guest: string) => {
    binds.push([host, guest]);
    mountPoints.push(guest);
  };

  const guestPath: string[] = [];
  const seen = new Set<string>();
  for (const dir of inp.hostPath.split(delimiter)) {
    if (!dir.startsWith('/')) continue;
    if (dir === inp.storeDir || dir.startsWith(`${inp.storeDir}/`)) {
      guestPath.push(dir);
      continue;
    }
    if (!(await exists(dir))) continue;
    const guest = `${HOST_PREFIX}${dir}`;
    if (!seen.has(guest)) {
      seen.add(guest);
      bind(await realpath(dir), guest);
    }
    guestPath.push(guest);
  }
  const bashDir = dirname(inp.bash);
  if (!seen.has(`${HOST_PREFIX}${bashDir}`)) bind(await realpath(bashDir), `${HOST_PREFIX}${bashDir}`);

  const interp = await elfInterpreter(inp.bash);
  if (interp !== null) {
    if (!(await free(inp.layer, interp))) {
      throw new CustomisationError(
        `enableFakechroot: the layer has ${interp}, where the host's tools need their loader`,
      );
    }
    bind(await realpath(interp), interp);
    const dirs = [
      ...(await libraryDirs(interp, inp.bash, inp.env)),
      ...inp.fakerootLibraryPath.split(delimiter),
    ];
    for (const dir of new Set(dirs)) {
      if (!dir.startsWith('/') || dir === dirname(interp) || !(await exists(dir))) continue;
      if (await free(inp.layer, dir)) bind(await realpath(dir), dir);
    }
  }

  return {
    prootArgs: ['-r', inp.layer, ...binds.map(([h, g]) => `--bind=${h}:${g}!`), '--pwd=/'],
    path: guestPath.join(':'),
    bash: `${HOST_PREFIX}${inp.bash}`,
    mountPoints,
  };
}

/** The glue `./nix/` nixpkgs' layer gets: made up front as a real directory. */
export async function prepareLayer(layer: string): Promise<void> {
  const nix = join(layer, 'nix');
  if (!(await exists(nix))) {
    await mkdir(nix);
    await chmod(nix, 0o755);
  }
}

/**
 * After the run: drops what nixpkgs' tar excludes, and the mount points (and
 * their parents) proot may have left on disk, when they are empty and were
 * not there before (`before` = existing mount points before the run).
 */
export async function cleanLayer(layer: string, mountPoints: readonly string[], before: ReadonlySet<string>): Promise<void> {
  for (const rel of EXCLUDED) await rm(join(layer, rel), { recursive: true, force: true });
  for (const guest of mountPoints) {
    let p = guest.replace(/\/+$/, '');
    while (p !== '' && p !== '/' && !before.has(p)) {
      const ok = await rmdir(join(layer, p)).then(
        () => true,
        () => false,
      );
      if (!ok) {
        // an empty file proot made for a file bind
        const st = await lstat(join(layer, p)).catch(() => null);
        if (st === null || !(st.isFile() && st.size === 0)) break;
        await rm(join(layer, p));
      }
      p = dirname(p);
    }
  }
}

/** Which of `paths` (and their parents) exist in the layer now. */
export async function existingPaths(layer: string, paths: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const guest of paths) {
    let p = guest.replace(/\/+$/, '');
    while (p !== '' && p !== '/') {
      if (await exists(join(layer, p))) out.add(p);
      p = dirname(p);
    }
  }
  return out;
}
