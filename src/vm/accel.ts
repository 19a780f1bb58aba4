// KVM or TCG. Opening /dev/kvm read-write is not enough to know KVM works: on
// some machines (nested virtualisation without hardware support) it opens and
// then runs guests hundreds of times slower than TCG. So `auto` also boots a
// 48-byte multiboot guest that writes one byte to an isa-debug-exit port,
// which ends qemu at once: a working KVM does it in well under a second.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type KvmMode = 'auto' | 'on' | 'off';

export interface AccelChoice {
  accelerator: 'kvm' | 'tcg';
  /** Why KVM is not used (auto mode only), for the one notice line. */
  why?: string;
}

/** How long the probe guest may take under KVM before KVM counts as unusable. */
const PROBE_TIMEOUT_MS = 1500;
/** isa-debug-exit turns the byte written (0x2a) into qemu's exit status (0x2a << 1) | 1. */
const PROBE_EXIT = 0x55;

/** A multiboot (a.out kludge) image loaded at 1 MiB: `mov al,0x2a; out 0xf4,al; hlt; jmp $-1`. */
export function probeImage(): Buffer {
  const b = Buffer.alloc(48);
  const magic = 0x1badb002;
  const flags = 0x00010000; // load addresses given in the header
  b.writeUInt32LE(magic, 0);
  b.writeUInt32LE(flags, 4);
  b.writeUInt32LE((-(magic + flags)) >>> 0, 8);
  b.writeUInt32LE(0x100000, 12); // header_addr
  b.writeUInt32LE(0x100000, 16); // load_addr
  b.writeUInt32LE(0, 20); // load_end_addr: whole file
  b.writeUInt32LE(0, 24); // bss_end_addr: none
  b.writeUInt32LE(0x100000 + 32, 28); // entry
  Buffer.from([0xb0, 0x2a, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd]).copy(b, 32);
  return b;
}

/** Null when /dev/kvm opens read-write, else why not. */
export function kvmOpens(): string | null {
  try {
    fs.closeSync(fs.openSync('/dev/kvm', 'r+'));
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '/dev/kvm does not exist';
    if (code === 'EACCES' || code === 'EPERM') {
      return '/dev/kvm is not accessible to this user (on GitHub runners: add a udev rule KERNEL=="kvm", GROUP="kvm", MODE="0666" and reload udev)';
    }
    return `/dev/kvm cannot be opened (${code})`;
  }
}

/** Runs the probe guest under KVM; null when it finished in time, else why not. */
function kvmProbe(qemu: string): Promise<string | null> {
  const file = path.join(os.tmpdir(), `nix-docker-kvm-probe-${process.pid}.bin`);
  fs.writeFileSync(file, probeImage());
  return new Promise((resolve) => {
    const args = ['-nodefaults', '-no-user-config', '-display', 'none', '-M', 'pc', '-accel', 'kvm', '-m', '16'];
    args.push('-no-reboot', '-kernel', file, '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04');
    const child = spawn(qemu, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    const done = (why: string | null): void => {
      clearTimeout(timer);
      fs.rmSync(file, { force: true });
      resolve(why);
    };
    child.on('error', (e) => done(`qemu did not start (${e.message})`));
    child.on('close', (code, signal) => {
      if (code === PROBE_EXIT) return done(null);
      if (signal) return done(`a test guest under KVM did not finish within ${PROBE_TIMEOUT_MS / 1000} s`);
      const line = stderr.trim().split('\n').filter((l) => !/warning/i.test(l)).pop();
      done(`qemu cannot use KVM${line ? ` (${line})` : ''}`);
    });
  });
}

const probed = new Map<string, Promise<AccelChoice>>();

/** The accelerator for `mode`; the auto probe runs once per process and qemu binary. */
export function chooseAccel(mode: KvmMode, qemu: string): Promise<AccelChoice> {
  if (mode === 'off') return Promise.resolve({ accelerator: 'tcg' });
  if (mode === 'on') return Promise.resolve({ accelerator: 'kvm' });
  let p = probed.get(qemu);
  if (!p) {
    p = (async (): Promise<AccelChoice> => {
      const cannotOpen = kvmOpens();
      if (cannotOpen) return { accelerator: 'tcg', why: cannotOpen };
      const broken = await kvmProbe(qemu);
      return broken ? { accelerator: 'tcg', why: broken } : { accelerator: 'kvm' };
    })();
    probed.set(qemu, p);
  }
  return p;
}

/** qemu arguments for the accelerator. */
export function accelArgs(accel: 'kvm' | 'tcg'): string[] {
  return accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
}
