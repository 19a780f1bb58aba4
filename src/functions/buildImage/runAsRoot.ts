// runAsRoot through src/vm: the checks before anything is built, the run, and its
// errors as the user should read them.
//
// nixpkgs (mkRootLayer / runWithOverlay) boots a VM with `diskSize` MiB of disk and
// `buildVMMemorySize` MiB of memory, unpacks the base layers as overlayfs lowers (each
// repeated layer once, at its last position), puts copyToRoot into the upper directory,
// mounts /dev, /proc, /sys and the store, runs the script chrooted with cwd /, and takes
// the upper directory (whiteouts back to .wh.<name>) as the layer.

import { runAsRootInVm, vmAvailable, VmError, type KvmMode } from '../../vm/index.ts';
import { SpecError } from '../../spec/errors.ts';
import type { BaseLayer } from '../../image/baseImage.ts';
import type { Logger } from '../../util/log.ts';

/** Fails at once, naming runAsRoot, when this machine cannot start the VM. */
export async function requireVm(): Promise<void> {
  const vm = await vmAvailable();
  if (!vm.ok) {
    const why = vm.missing.replace(/\s*\n\s*/g, ' ').replace(/^runAsRoot:?\s+/, '');
    throw new SpecError('runAsRoot', why);
  }
}

export interface RunAsRootOptions {
  script: string;
  baseLayers: readonly BaseLayer[];
  layerDir: string;
  storePaths: string[];
  storeDir: string;
  diskSizeMiB: number;
  memoryMiB: number;
  workDir: string;
  log: Logger;
  kvm?: KvmMode;
}

/** Runs the script; resolves with the path of the tar of the layer it leaves. */
export async function runAsRoot(opts: RunAsRootOptions): Promise<string> {
  const { log } = opts;
  try {
    const result = await runAsRootInVm({
      script: opts.script,
      baseLayers: lastOccurrences(opts.baseLayers).map((l) => ({ file: l.file, offset: l.offset, size: l.size })),
      layerDir: opts.layerDir,
      storePaths: opts.storePaths,
      storeDir: opts.storeDir,
      diskSizeMiB: opts.diskSizeMiB,
      memoryMiB: opts.memoryMiB,
      workDir: opts.workDir,
      log,
      kvm: opts.kvm,
    });
    log.info(`runAsRoot: done (${result.accelerator})`);
    return result.tar;
  } catch (err) {
    if (!(err instanceof VmError)) throw err;
    if (err.kind === 'disk-full') {
      // One line naming the attribute (the VM's message says where the disk filled up).
      throw new SpecError('diskSize', err.message.split('\n')[0]!.replace(/^runAsRoot:\s*/, '').replace(/:$/, ''));
    }
    throw err;
  }
}

/** Layers listed more than once are unpacked once, at their last position (nixpkgs' dedup). */
export function lastOccurrences<T extends { diffId: string }>(layers: readonly T[]): T[] {
  const last = new Map(layers.map((l, i) => [l.diffId, i]));
  return layers.filter((l, i) => last.get(l.diffId) === i);
}
