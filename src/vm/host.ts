// What this machine offers to start a VM: qemu, a static busybox for the
// initrd, and a kernel with its modules. Each lookup says, in one line, what
// is missing and how to get it. The environment overrides are read here only.

import fs from 'node:fs';
import path from 'node:path';
import { arch } from 'node:os';
import { explicitKernel, hostKernel, nixpkgsKernel, type KernelChoice, type KernelResult } from './kernel.ts';

/** The host-facing part of the runAsRoot options (also what vmAvailable takes). */
export interface VmHostOptions {
  /** A bzImage, or a directory holding one (a Nix `linux` output). Env NIX_DOCKER_VM_KERNEL. */
  kernel?: string;
  /** The kernel's modules directory (lib/modules/<version>). Env NIX_DOCKER_VM_MODULES. */
  initrdModules?: string;
  /** qemu-system-x86_64 to run. Env NIX_DOCKER_VM_QEMU; default: from PATH. */
  qemu?: string;
  /** A statically linked busybox for the VM's init. Env NIX_DOCKER_VM_BUSYBOX; default: from PATH, /bin. */
  busybox?: string;
  /** Build nixpkgs#linux with the local Nix when no host kernel has the drivers. Default true. */
  nixKernelFallback?: boolean;
}

export interface VmHost {
  qemu: string;
  busybox: string;
  kernel: KernelChoice;
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // next
    }
  }
  return null;
}

/** True when the ELF file has no program interpreter (statically linked). */
export function isStaticElf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(64);
    fs.readSync(fd, h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return false; // ELF64 little-endian only
    const phoff = Number(h.readBigUInt64LE(32));
    const phentsize = h.readUInt16LE(54);
    const phnum = h.readUInt16LE(56);
    const ph = Buffer.alloc(phentsize * phnum);
    fs.readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

export function findQemu(opts: VmHostOptions): { ok: true; path: string } | { ok: false; missing: string } {
  const given = opts.qemu ?? process.env.NIX_DOCKER_VM_QEMU;
  if (given) {
    return fs.existsSync(given)
      ? { ok: true, path: given }
      : { ok: false, missing: `runAsRoot: no qemu at ${given} (the qemu option / NIX_DOCKER_VM_QEMU)` };
  }
  const found = onPath('qemu-system-x86_64');
  if (found) return { ok: true, path: found };
  return {
    ok: false,
    missing:
      'runAsRoot needs qemu-system-x86_64 to start its VM: install it (sudo apt-get install -y qemu-system-x86, or nix profile install nixpkgs#qemu) or set NIX_DOCKER_VM_QEMU',
  };
}

export function findBusybox(opts: VmHostOptions): { ok: true; path: string } | { ok: false; missing: string } {
  const how =
    'install busybox-static (sudo apt-get install -y busybox-static) or set NIX_DOCKER_VM_BUSYBOX to one (nix build nixpkgs#pkgsStatic.busybox)';
  const given = opts.busybox ?? process.env.NIX_DOCKER_VM_BUSYBOX;
  const candidates = given
    ? [given]
    : [onPath('busybox'), '/bin/busybox', '/usr/bin/busybox', '/usr/lib/initramfs-tools/bin/busybox'].filter(
        (p): p is string => p !== null,
      );
  let dynamic: string | undefined;
  for (const c of candidates) {
    try {
      const real = fs.realpathSync(c);
      if (isStaticElf(real)) return { ok: true, path: real };
      dynamic ??= c;
    } catch {
      // missing or unreadable
    }
  }
  if (given) return { ok: false, missing: `runAsRoot: ${given} is not a statically linked x86_64 busybox; ${how}` };
  if (dynamic) return { ok: false, missing: `runAsRoot needs a statically linked busybox for its VM (${dynamic} is dynamic): ${how}` };
  return { ok: false, missing: `runAsRoot needs a static busybox for its VM's init: ${how}` };
}

const KERNEL_HOW =
  'set NIX_DOCKER_VM_KERNEL to a kernel with its modules, e.g. $(nix build --no-link --print-out-paths nixpkgs#linux), or install one (sudo apt-get install -y linux-image-generic)';

export async function findKernel(opts: VmHostOptions): Promise<KernelResult> {
  const given = opts.kernel ?? process.env.NIX_DOCKER_VM_KERNEL;
  const modules = opts.initrdModules ?? process.env.NIX_DOCKER_VM_MODULES;
  if (given) {
    const r = explicitKernel(given, modules);
    return r.ok ? r : { ok: false, why: `runAsRoot: unusable VM kernel: ${r.why}; ${KERNEL_HOW}` };
  }
  const host = hostKernel();
  if (host.ok) return host;
  if (opts.nixKernelFallback !== false && onPath('nix')) {
    const nix = await nixpkgsKernel();
    if (nix.ok) return nix;
    return { ok: false, why: `runAsRoot needs a kernel for its VM: ${host.why}; ${nix.why}; ${KERNEL_HOW}` };
  }
  return { ok: false, why: `runAsRoot needs a kernel for its VM: ${host.why}; ${KERNEL_HOW}` };
}

const resolved = new Map<string, Promise<{ ok: true; host: VmHost } | { ok: false; missing: string }>>();

/** Everything needed to start a VM, or the first thing missing (memoized per option set). */
export function resolveHost(opts: VmHostOptions = {}): Promise<{ ok: true; host: VmHost } | { ok: false; missing: string }> {
  const key = JSON.stringify([
    opts.kernel ?? process.env.NIX_DOCKER_VM_KERNEL,
    opts.initrdModules ?? process.env.NIX_DOCKER_VM_MODULES,
    opts.qemu ?? process.env.NIX_DOCKER_VM_QEMU,
    opts.busybox ?? process.env.NIX_DOCKER_VM_BUSYBOX,
    opts.nixKernelFallback,
    process.env.PATH,
  ]);
  let p = resolved.get(key);
  if (!p) {
    p = (async () => {
      if (arch() !== 'x64') {
        return { ok: false as const, missing: `runAsRoot runs its VM on x86_64 hosts only (this is ${arch()})` };
      }
      const qemu = findQemu(opts);
      if (!qemu.ok) return qemu;
      const busybox = findBusybox(opts);
      if (!busybox.ok) return busybox;
      const kernel = await findKernel(opts);
      if (!kernel.ok) return { ok: false as const, missing: kernel.why };
      return { ok: true as const, host: { qemu: qemu.path, busybox: busybox.path, kernel: kernel.kernel } };
    })();
    resolved.set(key, p);
    // A failed lookup is not kept: the user may install what was missing and retry.
    p.then((r) => {
      if (!r.ok) resolved.delete(key);
    });
  }
  return p;
}
