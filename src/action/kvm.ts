// KVM for runAsRoot's VM on the runner. GitHub's Linux hosted runners have /dev/kvm but
// leave it 0660 root:kvm; the usual fix is a udev rule giving everyone rw access, written
// through passwordless sudo (which those runners have). Steps:
//
//   1. /dev/kvm opens read-write? (src/vm's check)
//   2. if not, on a GitHub-hosted runner (RUNNER_ENVIRONMENT=github-hosted): write the
//      rule with `sudo -n`, reload udev, trigger the kvm device; check again (udev applies
//      the mode asynchronously: a few tries)
//   3. `auto`: a usable /dev/kvm still has to run a guest (src/vm's probe: some nested
//      setups open /dev/kvm and then run guests slower than emulation)
//
// The outcome is the mode src/vm gets: 'on' (KVM checked here), 'off' (TCG). When KVM is
// not usable, `auto` goes on under TCG with one warning annotation; `true` fails naming
// the input; `false` touches nothing.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { chooseAccel, kvmOpens } from '../vm/accel.ts';
import { findQemu } from '../vm/host.ts';
import type { KvmMode } from '../vm/index.ts';
import type { Logger } from '../util/log.ts';
import { Input, type KvmInput } from './constants.ts';
import { InputError } from './inputs.ts';

export const UDEV_RULE = 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n';
export const UDEV_RULE_FILE = '/etc/udev/rules.d/99-kvm4all.rules';
export const KVM_DEVICE = '/dev/kvm';

export interface KvmDeps {
  /** Null when the device opens read-write, else why not. */
  opens(): string | null;
  exists(): boolean;
  /** Runs `sudo -n <args>` with `input` on stdin; the first line of stderr on failure. */
  sudo(args: string[], input?: string): Promise<{ ok: boolean; message: string }>;
  /** Boots src/vm's probe guest under KVM: null when it ran, else why not. */
  probe(): Promise<string | null>;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Warning annotation (core.warning). */
  warn(message: string): void;
  sleep(ms: number): Promise<void>;
}

export interface KvmOutcome {
  /** What src/vm gets. */
  vm: KvmMode;
  accelerator: 'kvm' | 'tcg';
  /** The udev rule was written this run. */
  enabled: boolean;
  /** Why KVM is not used, when it is not. */
  why?: string;
}

function runSudo(args: string[], input?: string): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    const child = spawn('sudo', ['-n', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: e.code === 'ENOENT' ? 'sudo is not installed' : e.message }));
    child.on('close', (code) => resolve({ ok: code === 0, message: err.trim().split('\n')[0] ?? `exit code ${code}` }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

export function realKvmDeps(log: Logger, warn: (m: string) => void, env: NodeJS.ProcessEnv = process.env): KvmDeps {
  return {
    opens: kvmOpens,
    exists: () => fs.existsSync(KVM_DEVICE),
    sudo: runSudo,
    probe: async () => {
      const qemu = findQemu({});
      if (!qemu.ok) return null; // no qemu: src/vm says what is missing when it starts
      return (await chooseAccel('auto', qemu.path)).why ?? null;
    },
    env,
    log,
    warn,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

/** Writes the udev rule through sudo and reloads udev; null on success, else why not. */
async function enableKvm(deps: KvmDeps): Promise<string | null> {
  const steps: [string[], string?][] = [
    [['tee', UDEV_RULE_FILE], UDEV_RULE],
    [['udevadm', 'control', '--reload-rules']],
    [['udevadm', 'trigger', '--name-match=kvm']],
  ];
  for (const [args, input] of steps) {
    const r = await deps.sudo(args, input);
    if (!r.ok) return `\`sudo -n ${args.join(' ')}\` failed: ${r.message}`;
  }
  for (let i = 0; i < 30; i++) {
    if (deps.opens() === null) return null;
    await deps.sleep(100);
  }
  return deps.opens();
}

export async function prepareKvm(mode: KvmInput, deps: KvmDeps): Promise<KvmOutcome> {
  const { log } = deps;
  if (mode === 'false') {
    log.info('KVM: off (kvm: false); the runAsRoot VM runs under TCG emulation');
    return { vm: 'off', accelerator: 'tcg', enabled: false };
  }
  let enabled = false;
  let why = deps.opens();
  if (why !== null && deps.exists() && deps.env.RUNNER_ENVIRONMENT === 'github-hosted') {
    log.info(`KVM: ${why}; adding the udev rule ${UDEV_RULE_FILE} (through sudo)`);
    const failed = await enableKvm(deps);
    if (failed === null) {
      enabled = true;
      why = null;
      log.info('KVM: /dev/kvm is now read-write for this user');
    } else why = failed;
  }
  if (why === null && mode === 'auto') why = await deps.probe();
  if (why === null) {
    log.info('KVM: usable; the runAsRoot VM runs with KVM');
    return { vm: 'on', accelerator: 'kvm', enabled };
  }
  if (mode === 'true') throw new InputError(Input.Kvm, `KVM was asked for (kvm: true) but is not usable here: ${why}`);
  deps.warn(
    `KVM is not usable on this runner (${why}); runAsRoot's VM runs under TCG emulation, which is much slower. ` +
      'GitHub-hosted Linux runners have KVM; set kvm: false to skip this check.',
  );
  return { vm: 'off', accelerator: 'tcg', enabled, why };
}
