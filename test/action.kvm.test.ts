// KVM for runAsRoot. The enabling logic (udev rule through sudo on GitHub-hosted runners,
// re-check, fall back to TCG with a warning) runs against scripted /dev/kvm and sudo; then
// the committed bundle builds a runAsRoot image on this machine, where /dev/kvm opens but
// runs guests too slowly (src/vm's probe says so): the step warns and builds under TCG.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { prepareKvm, UDEV_RULE, UDEV_RULE_FILE, type KvmDeps } from '../src/action/kvm.ts';
import { InputError } from '../src/action/inputs.ts';
import type { KvmInput } from '../src/action/constants.ts';
import { findBusybox, useOfflineNix } from './helpers/nixFixtures.ts';
import { REPO } from './helpers/cli.ts';
import { dockerRun, removeImage } from './helpers/docker.ts';
import { Job, type StepResult } from './helpers/actionRunner.ts';

const run = promisify(execFile);
useOfflineNix();

interface Scripted {
  deps: KvmDeps;
  sudo: { args: string[]; input?: string }[];
  warnings: string[];
  probes: number;
}

/** /dev/kvm that opens once `opensAfterSudo` sudo calls succeeded (Infinity: never), sudo that answers `sudoOk`. */
function scripted(o: { hosted?: boolean; exists?: boolean; opensAfterSudo?: number; sudoOk?: boolean; probe?: string | null }): Scripted {
  const s: Scripted = { sudo: [], warnings: [], probes: 0, deps: undefined as unknown as KvmDeps };
  let okCalls = 0;
  s.deps = {
    opens: () => (okCalls >= (o.opensAfterSudo ?? 0) ? null : '/dev/kvm is not accessible to this user'),
    exists: () => o.exists ?? true,
    sudo: async (args, input) => {
      s.sudo.push({ args, ...(input !== undefined ? { input } : {}) });
      if (o.sudoOk === false) return { ok: false, message: 'sudo: a password is required' };
      okCalls++;
      return { ok: true, message: '' };
    },
    probe: async () => {
      s.probes++;
      return o.probe ?? null;
    },
    env: o.hosted ? { RUNNER_ENVIRONMENT: 'github-hosted' } : {},
    log: { info: () => {}, warn: () => {}, debug: () => {}, group: (_t, fn) => fn() },
    warn: (m) => s.warnings.push(m),
    sleep: async () => {},
  };
  return s;
}

const prepare = (mode: KvmInput, s: Scripted) => prepareKvm(mode, s.deps);

test('kvm: on a GitHub-hosted runner a 0660 /dev/kvm gets the udev rule through sudo -n, then KVM is used', async () => {
  const s = scripted({ hosted: true, opensAfterSudo: 3 });
  assert.deepEqual(await prepare('auto', s), { vm: 'on', accelerator: 'kvm', enabled: true });
  assert.deepEqual(s.sudo, [
    { args: ['tee', UDEV_RULE_FILE], input: UDEV_RULE },
    { args: ['udevadm', 'control', '--reload-rules'] },
    { args: ['udevadm', 'trigger', '--name-match=kvm'] },
  ]);
  assert.equal(UDEV_RULE, 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n');
  assert.equal(s.probes, 1, 'auto still checks that a guest runs');
  assert.deepEqual(s.warnings, []);
});

test('kvm: when sudo fails, or the device stays closed, auto falls back to TCG with one warning; true fails naming the input', async () => {
  const denied = scripted({ hosted: true, opensAfterSudo: Infinity, sudoOk: false });
  assert.deepEqual(await prepare('auto', denied), { vm: 'off', accelerator: 'tcg', enabled: false, why: '`sudo -n tee /etc/udev/rules.d/99-kvm4all.rules` failed: sudo: a password is required' });
  assert.equal(denied.warnings.length, 1);
  assert.match(denied.warnings[0]!, /^KVM is not usable on this runner \(.*a password is required\); runAsRoot's VM runs under TCG emulation/);

  const stillClosed = scripted({ hosted: true, opensAfterSudo: Infinity });
  const r = await prepare('auto', stillClosed);
  assert.equal(r.vm, 'off');
  assert.equal(stillClosed.sudo.length, 3);
  assert.match(stillClosed.warnings[0]!, /not accessible/);

  await assert.rejects(prepare('true', scripted({ hosted: true, opensAfterSudo: Infinity, sudoOk: false })), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.input, 'kvm');
    assert.match(e.message, /^input 'kvm': KVM was asked for \(kvm: true\) but is not usable here: /);
    return true;
  });
});

test('kvm: no sudo off GitHub-hosted runners or without a device; false touches nothing; a slow KVM is not used by auto', async () => {
  const selfHosted = scripted({ hosted: false, opensAfterSudo: Infinity });
  assert.equal((await prepare('auto', selfHosted)).vm, 'off');
  assert.deepEqual(selfHosted.sudo, []);
  assert.equal(selfHosted.warnings.length, 1);

  const noDevice = scripted({ hosted: true, exists: false, opensAfterSudo: Infinity });
  assert.equal((await prepare('auto', noDevice)).vm, 'off');
  assert.deepEqual(noDevice.sudo, []);

  const off = scripted({ hosted: true, opensAfterSudo: Infinity });
  assert.deepEqual(await prepare('false', off), { vm: 'off', accelerator: 'tcg', enabled: false });
  assert.deepEqual([off.sudo, off.warnings, off.probes], [[], [], 0]);

  const slow = scripted({ probe: 'a test guest under KVM did not finish within 1.5 s' });
  assert.deepEqual(await prepare('auto', slow), { vm: 'off', accelerator: 'tcg', enabled: false, why: 'a test guest under KVM did not finish within 1.5 s' });
  assert.equal(slow.warnings.length, 1);
  const forced = scripted({ probe: 'slow' });
  assert.deepEqual(await prepare('true', forced), { vm: 'on', accelerator: 'kvm', enabled: false });
  assert.equal(forced.probes, 0, 'true trusts an openable /dev/kvm');
});

let fx: { busybox: string; helloEnv: string };
let tmp: string;
const jobs: Job[] = [];
before(async () => {
  const file = path.join(REPO, 'test/fixtures/buildImage/default.nix');
  const { stdout } = await run('nix-build', ['--no-out-link', '--option', 'substituters', '', file, '--arg', 'busyboxBin', findBusybox(), '-A', 'busybox', '-A', 'helloEnv']);
  const [busybox, helloEnv] = stdout.trim().split('\n') as [string, string];
  fx = { busybox, helloEnv };
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'action-kvm-'));
});
after(() => {
  jobs.forEach((j) => j.remove());
  fs.rmSync(tmp, { recursive: true, force: true });
});

const ok = (r: StepResult) => assert.equal(r.status, 0, `step failed:\n${r.stdout}\n${r.stderr}`);

test('action: runAsRoot on this machine: detection, the TCG fallback with its warning annotation, and the image it makes', async () => {
  // A sudo that only records its calls: here /dev/kvm opens (root), so it must not be needed.
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const calls = path.join(tmp, 'sudo-calls');
  fs.writeFileSync(path.join(bin, 'sudo'), `#!/bin/sh\necho "$*" >> ${calls}\nexit 1\n`, { mode: 0o755 });
  const j = new Job({ env: { RUNNER_ENVIRONMENT: 'github-hosted', PATH: `${bin}:${process.env.PATH}` } });
  jobs.push(j);
  const r = await j.main({
    function: 'buildImage',
    name: 'kvm-rr',
    tag: '1',
    copyToRoot: `${fx.helloEnv}\n${fx.busybox}`,
    runAsRoot: 'mkdir -p /data\necho made-in-the-vm > /data/proof\n',
    config: 'Cmd: [/bin/hello]',
    load: 'true',
  });
  ok(r);
  assert.match(r.stdout, /^::group::KVM for runAsRoot$/m);
  const warnings = r.annotations.filter((a) => a.level === 'warning');
  if (/^KVM: usable/m.test(r.stdout)) {
    assert.deepEqual(warnings, [], 'a working KVM needs no warning');
  } else {
    assert.equal(warnings.length, 1, r.stdout);
    assert.equal(warnings[0]!.properties.title, 'KVM not available');
    assert.match(warnings[0]!.message, /^KVM is not usable on this runner \(.+\); runAsRoot's VM runs under TCG emulation/);
    assert.match(r.stdout, /^runAsRoot: done \(tcg\)$/m);
  }
  assert.ok(!fs.existsSync(calls), 'sudo was not needed: /dev/kvm opens for this user');
  assert.equal((await dockerRun('kvm-rr:1', '/bin/cat', '/data/proof')).trim(), 'made-in-the-vm');
  await removeImage('kvm-rr:1');

  // kvm: false: TCG without asking, and without a warning.
  const off = await j.main({ function: 'buildImage', name: 'kvm-off', tag: '1', copyToRoot: fx.busybox, runAsRoot: 'touch /made\n', kvm: 'false' });
  ok(off);
  assert.match(off.stdout, /^KVM: off \(kvm: false\)/m);
  assert.match(off.stdout, /^runAsRoot: done \(tcg\)$/m);
  assert.deepEqual(off.annotations.filter((a) => a.level === 'warning'), []);
});
