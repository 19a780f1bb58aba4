/**
 * runAsRoot: the script runs as root in a throwaway Linux VM (qemu), with the
 * semantics of nixpkgs' dockerTools (runWithOverlay + mkRootLayer): the base
 * image's layers are the lower of an overlay, the new layer's files
 * (copyToRoot) the upper; the script runs chrooted at the overlay's `/`, with
 * /proc, /dev, /sys and the Nix store mounted; whatever it changed — files
 * added, changed or deleted (whiteouts), owners and modes — is the upper dir,
 * which comes back as a tar. README.md beside this file explains where the
 * kernel, init and busybox come from and what the script can rely on.
 *
 * Steps: resolve the host's tools (host.ts) → pick KVM or TCG (accel.ts) →
 * prepare the base layers (baseLayers.ts) and the new layer's files (a tar)
 * → write the initrd (initrd.ts, initScript.ts) → run qemu with a scratch
 * disk of diskSize MiB, the inputs as read-only disks, the store over 9p and
 * an output disk (qemu.ts) → read the console's verdict → the output disk,
 * cut to the tar's end, is the result.
 */

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { indexTar } from '../image/tarIndex.ts';
import { planDirectoryTar } from '../tar/index.ts';
import type { Logger } from '../util/log.ts';
import { accelArgs, chooseAccel, kvmOpens, type KvmMode } from './accel.ts';
import { BaseLayerError, prepareBaseLayers } from './baseLayers.ts';
import { VmError, VmUnavailableError } from './errors.ts';
import { resolveHost, type VmHostOptions } from './host.ts';
import { buildInitrd } from './initrd.ts';
import { kernelBytes, kernelFileFor } from './kernel.ts';
import { pvhKernel } from './pvh.ts';
import { runQemu, type ConsoleReport } from './qemu.ts';

export { VmError, VmUnavailableError, type VmFailure } from './errors.ts';
export type { VmHostOptions } from './host.ts';
export type { KvmMode } from './accel.ts';

export interface RunAsRootOptions extends VmHostOptions {
  /** The runAsRoot text; runs under `set -e` with /bin/bash when the image has a working one, else busybox sh. */
  script: string;
  /** Base image layer tars, bottom first (uncompressed, gzip or zstd), as byte ranges of files. */
  baseLayers: { file: string; offset: number; size: number }[];
  /** The new layer's files so far (copyToRoot applied): the upper dir's initial content, owned by 0:0, modes kept. */
  layerDir: string;
  /** Store paths the script may use; each must exist. The whole store dir is shared read-only. */
  storePaths: string[];
  /** Default /nix/store. */
  storeDir?: string;
  diskSizeMiB: number;
  memoryMiB: number;
  /** Scratch files go to a subdirectory, removed at the end; the result tar is left here. */
  workDir: string;
  log: Logger;
  /** Default 1800. */
  timeoutSeconds?: number;
  /** auto: KVM when /dev/kvm opens read-write and runs a test guest, else TCG with one notice line. */
  kvm?: KvmMode;
  /** The shell (a path inside the image) to run the script with, instead of the automatic choice. */
  shell?: string;
  /** Virtual CPUs; default min(4, host CPUs). */
  cpus?: number;
}

export interface RunAsRootResult {
  /**
   * A tar of the resulting upper dir: every added or changed file and directory
   * (`./`-relative names, the root as `./`), deletions as `.wh.<name>` files,
   * opaque directories holding `.wh..wh..opq`; numeric uid/gid and modes as the
   * script left them (uname/gname are not meaningful). Hard links are type-1
   * members; mtimes are whatever the VM had.
   */
  tar: string;
  accelerator: 'kvm' | 'tcg';
}

const DEFAULT_TIMEOUT_S = 1800;
const KERNEL_ARGS = 'console=ttyS0 quiet loglevel=3 panic=1 oops=panic mitigations=off 8250.nr_uarts=1';

/** Whether a VM can be started here; otherwise one line: what is missing and how to get it. */
export async function vmAvailable(opts: VmHostOptions = {}): Promise<{ ok: true } | { ok: false; missing: string }> {
  const r = await resolveHost(opts);
  return r.ok ? { ok: true } : { ok: false, missing: r.missing };
}

function qemuPath(p: string): string {
  return p.replace(/,/g, ',,');
}

async function writeSeedTar(layerDir: string, dest: string): Promise<boolean> {
  let st: fs.Stats;
  try {
    st = fs.statSync(layerDir);
  } catch {
    throw new Error(`runAsRoot: layerDir ${layerDir} does not exist`);
  }
  if (!st.isDirectory()) throw new Error(`runAsRoot: layerDir ${layerDir} is not a directory`);
  const planned = await planDirectoryTar(layerDir, { dialect: 'gnu', mtime: 1 });
  const fh = await fs.promises.open(dest, 'w');
  try {
    for await (const chunk of planned.chunks()) await fh.write(chunk);
  } finally {
    await fh.close();
  }
  return true;
}

/** Cuts the output disk after the tar's end-of-archive blocks. */
async function cutTar(file: string): Promise<void> {
  const members = await indexTar(file);
  const last = members[members.length - 1];
  const end = last ? last.offset + Math.ceil(last.size / 512) * 512 : 0;
  await fs.promises.truncate(file, end + 1024);
}

function failure(report: ConsoleReport, opts: RunAsRootOptions, timeoutS: number): VmError {
  const disk = `diskSize (${opts.diskSizeMiB} MiB)`;
  const vmTail = [...report.consoleTail, ...report.stderrTail].slice(-20);
  if (report.timedOut) {
    const where = report.phase === 'script' ? 'the script was still running' : `it was at step '${report.phase}'`;
    return new VmError(
      'timeout',
      `runAsRoot: the VM did not finish within ${timeoutS} s (timeoutSeconds) and was stopped; ${where}`,
      report.phase === 'script' ? report.scriptTail : vmTail,
    );
  }
  if (report.error) {
    const { phase, full, message } = report.error;
    if (full) {
      const what = phase === 'base' ? 'unpacking the base layers' : phase === 'seed' ? "unpacking the new layer's files" : `step '${phase}'`;
      return new VmError('disk-full', `runAsRoot: the VM's disk filled up while ${what}: ${disk} is too small; raise diskSize`, vmTail);
    }
    return new VmError('vm', `runAsRoot: the VM failed at step '${phase}': ${message}`, vmTail);
  }
  if (report.scriptEnd && (report.scriptEnd.code !== 0 || report.scriptEnd.full)) {
    const { code, full } = report.scriptEnd;
    if (full) {
      const how = code === 0 ? 'the script filled it' : `the script failed with exit code ${code}`;
      return new VmError(
        'disk-full',
        `runAsRoot: the VM's disk is full (${how}): ${disk} is too small for the base layers and the new layer; raise diskSize`,
        report.scriptTail,
        code === 0 ? undefined : code,
      );
    }
    return new VmError('script', `runAsRoot failed with exit code ${code}`, report.scriptTail, code);
  }
  const how = report.signal ? `signal ${report.signal}` : `exit code ${report.exitCode}`;
  return new VmError(
    'vm',
    `runAsRoot: the VM stopped (qemu ${how}) before finishing, at step '${report.phase}'`,
    report.scriptStarted && !report.scriptEnd ? report.scriptTail : vmTail,
  );
}

/** Runs the script in a VM and returns the tar of what it changed. */
export async function runAsRootInVm(opts: RunAsRootOptions): Promise<RunAsRootResult> {
  const { log } = opts;
  for (const [name, v] of [
    ['diskSizeMiB', opts.diskSizeMiB],
    ['memoryMiB', opts.memoryMiB],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`runAsRoot: ${name} must be a positive integer, not ${v}`);
  }
  const timeoutS = opts.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  if (!(timeoutS > 0)) throw new Error(`runAsRoot: timeoutSeconds must be positive, not ${timeoutS}`);
  const storeDir = opts.storeDir ?? '/nix/store';
  if (!/^\/[A-Za-z0-9._+/-]+$/.test(storeDir) || storeDir.split('/').includes('..')) {
    throw new Error(`runAsRoot: unsupported storeDir '${storeDir}'`);
  }
  for (const p of opts.storePaths) {
    if (!p.startsWith(`${storeDir}/`)) throw new Error(`runAsRoot: ${p} is not in ${storeDir}`);
    if (!fs.existsSync(p)) throw new Error(`runAsRoot: store path ${p} does not exist`);
  }
  const hasStore = fs.existsSync(storeDir);

  const resolved = await resolveHost(opts);
  if (!resolved.ok) throw new VmUnavailableError(resolved.missing);
  const host = resolved.host;
  if (opts.kvm === 'on') {
    const why = kvmOpens();
    if (why) throw new VmUnavailableError(`runAsRoot: KVM was asked for (kvm: on) but ${why}`);
  }
  const accel = await chooseAccel(opts.kvm ?? 'auto', host.qemu);
  if (accel.why) log.info(`runAsRoot: KVM is not usable (${accel.why}); running the VM under TCG emulation, which is slower`);

  const nonce = randomBytes(8).toString('hex');
  const dir = path.join(opts.workDir, `run-as-root-${nonce}`);
  fs.mkdirSync(dir, { recursive: true });
  const result = path.join(opts.workDir, `run-as-root-${nonce}.tar`);
  try {
    let layers;
    try {
      layers = await prepareBaseLayers(opts.baseLayers, dir);
    } catch (err) {
      if (err instanceof BaseLayerError) throw new Error(`runAsRoot: ${err.message}`);
      throw err;
    }
    const seedTar = path.join(dir, 'seed.tar');
    const seed = await writeSeedTar(opts.layerDir, seedTar);

    // Disks: scratch (diskSize), out (sparse; holds the upper dir's tar, which cannot
    // outgrow the scratch disk by much), the new layer's files, one per input file.
    const scratch = path.join(dir, 'scratch.img');
    const out = path.join(dir, 'out.img');
    fs.writeFileSync(scratch, '');
    fs.truncateSync(scratch, opts.diskSizeMiB * 1024 * 1024);
    fs.writeFileSync(out, '');
    fs.truncateSync(out, (2 * opts.diskSizeMiB + 64) * 1024 * 1024);
    const drives: { serial: string; file: string; readonly: boolean; cache: string }[] = [
      { serial: 'scratch', file: scratch, readonly: false, cache: 'unsafe' },
      { serial: 'out', file: out, readonly: false, cache: 'writeback' },
    ];
    if (seed) drives.push({ serial: 'seed', file: seedTar, readonly: true, cache: 'writeback' });
    const serialOf = new Map<string, string>();
    for (const l of layers) {
      if (!serialOf.has(l.file)) {
        const serial = `in${serialOf.size}`;
        serialOf.set(l.file, serial);
        drives.push({ serial, file: l.file, readonly: true, cache: 'writeback' });
      }
    }

    const initrd = path.join(dir, 'initrd.cpio');
    buildInitrd(
      {
        busybox: host.busybox,
        modules: host.kernel.modules,
        script: opts.script,
        layerLists: layers,
        config: {
          nonce,
          disks: drives.length,
          hasStore,
          storeDir,
          layers: layers.map((l) => ({ serial: serialOf.get(l.file)!, offset: l.offset, size: l.size })),
          seed,
          shell: opts.shell ?? '',
          scriptPath: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/dev/.nix-docker-vm/bin',
        },
      },
      initrd,
    );
    // Under TCG, boot the plain vmlinux when the kernel allows (saves its emulated decompression).
    const pvh = accel.accelerator === 'tcg' ? pvhKernel(kernelBytes(host.kernel)) : null;
    const kernel = pvh ?? kernelFileFor(host.kernel, path.join(dir, 'vmlinuz'));

    const cpus = opts.cpus ?? Math.min(4, availableParallelism());
    const args = ['-nodefaults', '-no-user-config', '-display', 'none', '-M', 'pc', ...accelArgs(accel.accelerator)];
    args.push('-smp', String(cpus), '-m', String(opts.memoryMiB), '-no-reboot');
    args.push('-kernel', kernel, '-initrd', initrd, '-append', KERNEL_ARGS);
    args.push('-chardev', 'stdio,id=console,signal=off', '-serial', 'chardev:console');
    for (const d of drives) {
      const ro = d.readonly ? ',readonly=on' : '';
      args.push('-drive', `if=none,id=${d.serial},file=${qemuPath(d.file)},format=raw,cache=${d.cache}${ro}`);
      args.push('-device', `virtio-blk-pci,drive=${d.serial},serial=${d.serial}`);
    }
    if (hasStore) {
      args.push(
        '-virtfs',
        `local,path=${qemuPath(storeDir)},mount_tag=store,security_model=none,readonly=on,multidevs=remap`,
      );
    }

    log.info(
      `runAsRoot: booting a VM (${cpus} CPUs, ${opts.memoryMiB} MiB memory, ${opts.diskSizeMiB} MiB disk; kernel ${host.kernel.version} from ${host.kernel.source})`,
    );
    log.debug(`runAsRoot: ${host.qemu} ${args.join(' ')}`);
    const report = await runQemu({ qemu: host.qemu, args, nonce, timeoutMs: timeoutS * 1000, log });
    if (!report.done || report.timedOut) throw failure(report, opts, timeoutS);
    log.info(`runAsRoot: the VM finished in ${report.seconds.toFixed(1)} s`);

    await cutTar(out);
    fs.renameSync(out, result);
    return { tar: result, accelerator: accel.accelerator };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
