// Where the VM's kernel and its modules come from (see README.md, "Kernel").
//
// A kernel is usable when its image can be read (directly or through `sudo -n`)
// and the drivers the VM needs are built in or present as modules beside it:
// virtio PCI and block devices, 9p over virtio (the Nix store), ext4 (the
// scratch disk) and overlayfs. Modules are read from the kernel's own
// `lib/modules/<version>` (modules.dep, modules.builtin), decompressed on the
// host (.gz/.zst with node:zlib, .xz with the `xz` tool), and loaded with
// busybox insmod in dependency order.

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Drivers the VM needs, in the order they are loaded (each after its dependencies). */
export const REQUIRED_MODULES = ['virtio_pci', 'virtio_blk', '9pnet_virtio', '9p', 'ext4', 'overlay'] as const;
/**
 * Loaded when present, the first of each group: ext4 asks for crc32c at mount time on
 * recent kernels; loop devices let the VM read a layer at an offset of a disk without
 * a pipe (much faster under TCG).
 */
export const OPTIONAL_MODULES: readonly (readonly string[])[] = [['crc32c_generic', 'crc32c_intel'], ['loop']];

export interface KernelChoice {
  /** The kernel image (bzImage) path. */
  image: string;
  /** Read it with `sudo -n cat` (a root-only /boot/vmlinuz-*). */
  viaSudo: boolean;
  version: string;
  /** lib/modules/<version> of this kernel. */
  modulesDir: string;
  /** Module files to load, in order (absolute paths). */
  modules: string[];
  /** Where it came from, for the log: "/boot/vmlinuz-6.1.0-56-amd64", "nixpkgs#linux (/nix/store/...)". */
  source: string;
}

/** Linux module names treat '-' and '_' alike. */
function modName(file: string): string {
  return path.basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

export interface ModulesIndex {
  /** name → path relative to the modules dir, and its dependencies (relative paths). */
  deps: Map<string, { file: string; deps: string[] }>;
  builtin: Set<string>;
}

export function readModulesIndex(modulesDir: string): ModulesIndex {
  const deps = new Map<string, { file: string; deps: string[] }>();
  const text = fs.readFileSync(path.join(modulesDir, 'modules.dep'), 'utf8');
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const file = line.slice(0, colon).trim();
    const list = line.slice(colon + 1).trim();
    deps.set(modName(file), { file, deps: list === '' ? [] : list.split(/\s+/) });
  }
  const builtin = new Set<string>();
  try {
    for (const line of fs.readFileSync(path.join(modulesDir, 'modules.builtin'), 'utf8').split('\n')) {
      if (line.trim() !== '') builtin.add(modName(line.trim()));
    }
  } catch {
    // no modules.builtin: nothing known to be built in
  }
  return { deps, builtin };
}

/**
 * The module files to load for `wanted` (dependencies first, each once), and
 * the wanted names that are neither built in nor present. Of each optional group, the
 * first module present is loaded too.
 */
export function planModules(
  index: ModulesIndex,
  wanted: readonly string[],
  optional: readonly (readonly string[])[] = [],
): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const seen = new Set<string>();
  const byFile = new Map<string, string[]>();
  for (const { file, deps } of index.deps.values()) byFile.set(file, deps);
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    // modules.dep lists the whole dependency closure, the deepest last: load from the end.
    for (const dep of [...(byFile.get(file) ?? [])].reverse()) visit(dep);
    files.push(file);
  };
  const missing: string[] = [];
  for (const name of wanted) {
    const n = name.replace(/-/g, '_');
    const entry = index.deps.get(n);
    if (entry) visit(entry.file);
    else if (!index.builtin.has(n)) missing.push(name);
  }
  for (const group of optional) {
    for (const name of group) {
      const entry = index.deps.get(name.replace(/-/g, '_'));
      if (entry) {
        visit(entry.file);
        break;
      }
    }
  }
  return { files, missing };
}

/** The version string a bzImage carries (its setup header points at it), or null. */
export function bzImageVersion(head: Buffer): string | null {
  if (head.length < 0x210 || head.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const ptr = head.readUInt16LE(0x20e);
  if (ptr === 0) return null;
  const at = ptr + 0x200;
  if (at >= head.length) return null;
  const end = head.indexOf(0, at);
  const text = head.toString('latin1', at, end === -1 ? Math.min(head.length, at + 256) : end);
  const version = text.split(' ')[0] ?? '';
  return /^[0-9][\w.+~-]*$/.test(version) ? version : null;
}

/** The first 64 KiB of a file, through `sudo -n cat` when it is not readable; null when neither works. */
function readHead(file: string): { head: Buffer; viaSudo: boolean } | null {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(65536);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return { head: head.subarray(0, n), viaSudo: false };
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES') return null;
  }
  try {
    const out = execFileSync('sudo', ['-n', 'head', '-c', '65536', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    return { head: out, viaSudo: true };
  } catch {
    return null;
  }
}

function modulesDirFor(version: string, near: string[]): string | null {
  for (const base of near) {
    const dir = path.join(base, version);
    if (fs.existsSync(path.join(dir, 'modules.dep'))) return dir;
  }
  return null;
}

export type KernelResult = { ok: true; kernel: KernelChoice } | { ok: false; why: string };

/**
 * Checks one kernel: readable image with a version, a modules dir (given, or
 * found beside the kernel or in /lib/modules), every required driver.
 */
export function checkKernel(image: string, modulesDir: string | undefined, source: string): KernelResult {
  if (!fs.existsSync(image)) return { ok: false, why: `no kernel image at ${image}` };
  const read = readHead(image);
  if (!read) {
    return {
      ok: false,
      why: `${image} is not readable (root-only) and \`sudo -n\` cannot read it: allow sudo or \`sudo chmod 0644 ${image}\``,
    };
  }
  const version = bzImageVersion(read.head);
  if (!version) return { ok: false, why: `${image} is not an x86 bzImage` };
  const dir =
    modulesDir ??
    modulesDirFor(version, [
      path.join(path.dirname(image), 'lib/modules'),
      path.join(path.dirname(image), '../lib/modules'),
      '/lib/modules',
      '/usr/lib/modules',
    ]);
  if (!dir || !fs.existsSync(path.join(dir, 'modules.dep'))) {
    return { ok: false, why: `no modules for kernel ${version} (${modulesDir ?? `/lib/modules/${version}`}/modules.dep)` };
  }
  let index: ModulesIndex;
  try {
    index = readModulesIndex(dir);
  } catch (err) {
    return { ok: false, why: `cannot read ${dir}/modules.dep: ${(err as Error).message}` };
  }
  const plan = planModules(index, REQUIRED_MODULES, OPTIONAL_MODULES);
  if (plan.missing.length > 0) {
    return { ok: false, why: `kernel ${version} lacks the modules ${plan.missing.join(', ')} (in ${dir})` };
  }
  const modules = plan.files.map((f) => path.join(dir, f));
  return { ok: true, kernel: { image, viaSudo: read.viaSudo, version, modulesDir: dir, modules, source } };
}

/** A kernel given as a file (bzImage) or a directory (a Nix `linux` output: bzImage + lib/modules). */
export function explicitKernel(given: string, modulesDir: string | undefined): KernelResult {
  let image = given;
  try {
    if (fs.statSync(given).isDirectory()) {
      const found = ['bzImage', 'vmlinuz', 'kernel'].map((n) => path.join(given, n)).find((p) => fs.existsSync(p));
      if (!found) return { ok: false, why: `${given} holds no bzImage` };
      image = found;
    }
  } catch {
    return { ok: false, why: `no kernel at ${given}` };
  }
  return checkKernel(image, modulesDir, given);
}

/** The host's own kernels: the running one first, then the others in /boot, newest first. */
export function hostKernels(): { image: string; version: string }[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync('/boot').filter((n) => n.startsWith('vmlinuz-'));
  } catch {
    return [];
  }
  let running = '';
  try {
    running = fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  const versions = names.map((n) => n.slice('vmlinuz-'.length));
  versions.sort((a, b) => (a === running ? -1 : b === running ? 1 : b.localeCompare(a, 'en', { numeric: true })));
  return versions.map((version) => ({ image: `/boot/vmlinuz-${version}`, version }));
}

/** A host kernel is checked for its modules before its (maybe root-only) image is read. */
export function hostKernel(): KernelResult {
  const candidates = hostKernels();
  if (candidates.length === 0) return { ok: false, why: 'no /boot/vmlinuz-*' };
  const reasons: string[] = [];
  for (const { image, version } of candidates) {
    const dir = modulesDirFor(version, ['/lib/modules', '/usr/lib/modules']);
    if (!dir) {
      reasons.push(`no /lib/modules/${version}`);
      continue;
    }
    try {
      const missing = planModules(readModulesIndex(dir), REQUIRED_MODULES).missing;
      if (missing.length > 0) {
        reasons.push(`kernel ${version} lacks ${missing.join(', ')}`);
        continue;
      }
    } catch {
      reasons.push(`cannot read ${dir}/modules.dep`);
      continue;
    }
    const r = checkKernel(image, dir, image);
    if (r.ok) return r;
    reasons.push(r.why);
  }
  return { ok: false, why: reasons.join('; ') };
}

/**
 * The default kernel of nixpkgs, built (or fetched from the binary cache) with
 * the local Nix: the fallback where the host kernel lacks 9p or virtio modules
 * (GitHub's Azure kernels). Null when Nix or nixpkgs is not there.
 */
export async function nixpkgsKernel(): Promise<KernelResult> {
  const run = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile('nix', args, { maxBuffer: 16 << 20, timeout: 15 * 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(stderr.trim().split('\n').slice(-1)[0] || err.message));
        else resolve(stdout);
      });
    });
  let out: string;
  try {
    out = await run([
      '--extra-experimental-features',
      'nix-command flakes',
      'build',
      '--no-link',
      '--json',
      'nixpkgs#linux',
    ]);
  } catch (err) {
    return { ok: false, why: `nix build nixpkgs#linux failed: ${(err as Error).message}` };
  }
  let dir: string | undefined;
  try {
    const parsed = JSON.parse(out) as { outputs?: { out?: string } }[];
    dir = parsed[0]?.outputs?.out;
  } catch {
    // fall through
  }
  if (!dir) return { ok: false, why: 'nix build nixpkgs#linux printed no output path' };
  const r = explicitKernel(dir, undefined);
  return r.ok ? { ok: true, kernel: { ...r.kernel, source: `nixpkgs#linux (${dir})` } } : r;
}

/** A module file's bytes, decompressed (the initrd's busybox insmod takes plain ELF). */
export function moduleBytes(file: string): Buffer {
  const raw = fs.readFileSync(file);
  if (file.endsWith('.zst')) return zlib.zstdDecompressSync(raw);
  if (file.endsWith('.gz')) return zlib.gunzipSync(raw);
  if (file.endsWith('.xz')) {
    try {
      return execFileSync('xz', ['-dc', file], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new Error(`cannot decompress ${file} (needs the xz tool: apt-get install xz-utils): ${(err as Error).message}`);
    }
  }
  return raw;
}

/** The kernel image's bytes, through sudo when it is root-only. */
export function kernelBytes(kernel: KernelChoice): Buffer {
  if (!kernel.viaSudo) return fs.readFileSync(kernel.image);
  return execFileSync('sudo', ['-n', 'cat', kernel.image], { maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A path qemu can read the kernel image from: the image itself, or a copy made through sudo. */
export function kernelFileFor(kernel: KernelChoice, copy: string): string {
  if (!kernel.viaSudo) return kernel.image;
  fs.writeFileSync(copy, kernelBytes(kernel));
  return copy;
}
