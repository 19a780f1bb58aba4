import { UsageError } from '../spec/errors.ts';

/** Why a runAsRoot VM run failed. */
export type VmFailure =
  /** The script exited non-zero (`exitCode`). */
  | 'script'
  /** The scratch disk filled up (diskSize too small). */
  | 'disk-full'
  /** The VM ran past `timeoutSeconds` and was stopped. */
  | 'timeout'
  /** The VM did not get as far as the script, or stopped without a result. */
  | 'vm';

/** A runAsRoot VM run that did not produce a layer; the message says why in words. */
export class VmError extends Error {
  override name = 'VmError';
  readonly kind: VmFailure;
  /** The script's exit code (kind 'script'; also set for 'disk-full' when the script failed). */
  readonly exitCode?: number;
  /** The script's last output lines, or the VM's last console lines when the script never ran. */
  readonly outputTail: string[];

  constructor(kind: VmFailure, message: string, outputTail: string[], exitCode?: number) {
    const tail = outputTail.length > 0 ? `:\n${outputTail.map((l) => `  ${l}`).join('\n')}` : '';
    super(`${message}${tail}`);
    this.kind = kind;
    this.outputTail = outputTail;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}

/**
 * No way to start a VM here (no qemu, no kernel, no static busybox). A usage
 * error: the message is one line saying what is missing and how to get it.
 */
export class VmUnavailableError extends UsageError {
  readonly missing: string;
  constructor(missing: string) {
    super(missing);
    this.missing = missing;
  }
}
