// The per-run initrd: static busybox as /bin/busybox, the init and its helper
// scripts, the kernel modules (decompressed, numbered in load order), the
// control files (/vm/config, the script, the base layers' removal lists) and
// the device node the kernel needs to give init a console.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpioArchive, type CpioEntry } from './cpio.ts';
import { INIT, OPAQUE_SH, OPQ_SH, WHITEOUT_SH, configFile, scriptFile, type InitConfig } from './initScript.ts';
import { moduleBytes } from './kernel.ts';

export interface InitrdInput {
  busybox: string;
  /** Module files in load order. */
  modules: string[];
  config: Omit<InitConfig, 'modules'>;
  script: string;
  /** Per base layer: NUL-separated removal lists. */
  layerLists: { remove: Buffer[]; markers: Buffer[] }[];
}

/** NUL-terminated "./"-prefixed paths, for `xargs -0 rm -rf` run in the root being built. */
function nulList(paths: Buffer[]): Buffer {
  const dot = Buffer.from('./');
  const nul = Buffer.from([0]);
  return Buffer.concat(paths.flatMap((p) => [dot, p, nul]));
}

/** The applet names of the (static, host-runnable) busybox binary. */
function applets(busybox: string): string[] {
  const list = execFileSync(busybox, ['--list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return list.split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox');
}

export function buildInitrd(input: InitrdInput, dest: string): void {
  const moduleNames = input.modules.map(
    (m, i) => `${String(i).padStart(2, '0')}-${path.basename(m).replace(/\.(xz|zst|gz)$/, '')}`,
  );
  const entries: CpioEntry[] = [
    // busybox lives in /vmtools, which the script sees as /dev/.nix-docker-vm: its applets
    // are relative links there, so they resolve inside the chroot too.
    { kind: 'dir', name: 'vmtools' },
    { kind: 'dir', name: 'vmtools/bin' },
    { kind: 'file', name: 'vmtools/bin/busybox', data: fs.readFileSync(input.busybox), mode: 0o755 },
    ...applets(input.busybox).map((a): CpioEntry => ({ kind: 'symlink', name: `vmtools/bin/${a}`, target: 'busybox' })),
    { kind: 'file', name: 'vmtools/run-as-root.sh', data: Buffer.from(scriptFile(input.script)), mode: 0o755 },
    { kind: 'dir', name: 'bin' },
    { kind: 'symlink', name: 'bin/busybox', target: '/vmtools/bin/busybox' },
    { kind: 'dir', name: 'dev' },
    { kind: 'char', name: 'dev/console', major: 5, minor: 1 },
    { kind: 'dir', name: 'proc' },
    { kind: 'dir', name: 'sys' },
    { kind: 'dir', name: 'tmp', mode: 0o1777 },
    { kind: 'dir', name: 'etc' },
    // Names for tar's uname/gname of root-owned files; other owners are numeric.
    { kind: 'file', name: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { kind: 'file', name: 'etc/group', data: Buffer.from('root:x:0:\n') },
    { kind: 'file', name: 'init', data: Buffer.from(INIT), mode: 0o755 },
    { kind: 'dir', name: 'vm' },
    { kind: 'file', name: 'vm/config', data: Buffer.from(configFile({ ...input.config, modules: moduleNames })) },
    { kind: 'file', name: 'vm/opaque.sh', data: Buffer.from(OPAQUE_SH) },
    { kind: 'file', name: 'vm/whiteout.sh', data: Buffer.from(WHITEOUT_SH) },
    { kind: 'file', name: 'vm/opq.sh', data: Buffer.from(OPQ_SH) },
    { kind: 'dir', name: 'vm/modules' },
    ...input.modules.map((m, i): CpioEntry => ({ kind: 'file', name: `vm/modules/${moduleNames[i]}`, data: moduleBytes(m) })),
    { kind: 'dir', name: 'vm/layers' },
    ...input.layerLists.flatMap((l, i): CpioEntry[] => [
      { kind: 'file', name: `vm/layers/${i}.remove`, data: nulList(l.remove) },
      { kind: 'file', name: `vm/layers/${i}.markers`, data: nulList(l.markers) },
    ]),
  ];
  fs.writeFileSync(dest, cpioArchive(entries));
}
