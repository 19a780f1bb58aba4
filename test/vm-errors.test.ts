// runAsRoot failures in a real VM: the script's exit code and last lines, a hung
// script stopped at the timeout (and qemu gone), a disk too small for what the
// script writes; and, without a VM, what a machine without a kernel says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runAsRootInVm, vmAvailable, VmError, VmUnavailableError, type RunAsRootOptions } from '../src/vm/index.ts';
import { capturingLogger, processesMentioning, tempDir, vmOptions, vmSkipReason } from './fixtures/vm/vm.ts';

const skip = await vmSkipReason();

let work: string;
before(() => {
  work = tempDir('vm-errors-');
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const options = (script: string, extra: Partial<RunAsRootOptions> = {}): RunAsRootOptions => vmOptions(work, script, extra);

/** The longest VM run so far: the timeout test waits for the script to start before it times out. */
let slowestRun = 0;

async function vmError(opts: RunAsRootOptions): Promise<VmError> {
  const started = Date.now();
  try {
    await runAsRootInVm(opts);
  } catch (err) {
    if (err instanceof VmError) return err;
    throw err;
  } finally {
    slowestRun = Math.max(slowestRun, (Date.now() - started) / 1000);
  }
  assert.fail('runAsRootInVm succeeded');
}

describe('runAsRoot VM failures', { skip }, () => {
  test('a failing script fails the build with its exit code and last output lines', async () => {
    const err = await vmError(options('echo step one\necho step two >&2\nfalse_cmd_missing || true\nexit 3\necho never'));
    assert.equal(err.kind, 'script');
    assert.equal(err.exitCode, 3);
    assert.deepEqual(err.outputTail.filter((l) => l.startsWith('step')), ['step one', 'step two']);
    assert.ok(!err.outputTail.includes('never'));
    assert.match(err.message, /runAsRoot failed with exit code 3:\n(.*\n)*  step two/);
  });

  test('set -e: the first failing command ends the script', async () => {
    const err = await vmError(options('echo before\ncat /no/such/file\necho after'));
    assert.equal(err.kind, 'script');
    assert.equal(err.exitCode, 1);
    assert.ok(err.outputTail.some((l) => /no\/such\/file/.test(l)), String(err.outputTail));
    assert.ok(!err.outputTail.includes('after'));
  });

  test('a script that hangs is stopped at the timeout, and qemu is gone', async () => {
    // Long enough for the script to start even on a loaded machine (the runs above booted).
    const timeoutSeconds = Math.ceil(Math.max(slowestRun, 8) * 1.5 + 3);
    const opts = options('echo sleeping\nsleep 600', { timeoutSeconds });
    const started = Date.now();
    const err = await vmError(opts);
    assert.equal(err.kind, 'timeout');
    assert.match(
      err.message,
      new RegExp(`did not finish within ${timeoutSeconds} s \\(timeoutSeconds\\) and was stopped; the script was still running`),
    );
    assert.ok(err.outputTail.includes('sleeping'), String(err.outputTail));
    assert.ok(Date.now() - started < (timeoutSeconds + 15) * 1000, 'stopped at the timeout');
    assert.deepEqual(processesMentioning(path.join(work, 'run-as-root-')), [], 'no qemu left running');
  });

  test('a disk too small for what the script writes is an error naming diskSize', async () => {
    const err = await vmError(options('dd if=/dev/zero of=/big bs=1M count=64', { diskSizeMiB: 32 }));
    assert.equal(err.kind, 'disk-full');
    assert.match(err.message, /diskSize \(32 MiB\) is too small/);
    assert.equal(err.exitCode, 1);
  });

  test('also when the script ignores the write error: no truncated layer', async () => {
    const err = await vmError(options('dd if=/dev/zero of=/big bs=1M count=64 || true\necho carried on', { diskSizeMiB: 32 }));
    assert.equal(err.kind, 'disk-full');
    assert.match(err.message, /the script filled it\): diskSize \(32 MiB\) is too small/);
    assert.equal(err.exitCode, undefined);
  });

  test('base layers that do not fit on the disk: an error naming diskSize', async () => {
    const dir = path.join(work, 'fat-layer');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'fat'), Buffer.alloc(48 << 20, 0x61));
    const tar = path.join(work, 'fat.tar');
    execFileSync('tar', ['--format=gnu', '-C', dir, '-cf', tar, '.']);
    const err = await vmError(
      options('echo never runs', { diskSizeMiB: 32, baseLayers: [{ file: tar, offset: 0, size: fs.statSync(tar).size }] }),
    );
    assert.equal(err.kind, 'disk-full');
    assert.match(err.message, /filled up while unpacking the base layers: diskSize \(32 MiB\) is too small/);
  });

  test('a base layer that is not a tar fails before booting', async () => {
    const junk = path.join(work, 'junk.bin');
    fs.writeFileSync(junk, Buffer.alloc(4096, 0x7a));
    await assert.rejects(
      runAsRootInVm(options('true', { baseLayers: [{ file: junk, offset: 512, size: 2048 }] })),
      /runAsRoot: base layer 1 is not a readable tar/,
    );
  });
});

describe('runAsRoot without a way to start a VM', () => {
  test('vmAvailable names a missing kernel in one line, with how to get one', async () => {
    const r = await vmAvailable({ kernel: path.join(work ?? '/tmp', 'no-such-bzImage') });
    if (r.ok) assert.fail('a missing kernel is reported');
    // qemu or busybox may be what is missing on a machine without them; the kernel otherwise.
    assert.doesNotMatch(r.missing, /\n/);
    if (!/qemu|busybox/.test(r.missing)) {
      assert.match(r.missing, /no kernel at .*no-such-bzImage/);
      assert.match(r.missing, /NIX_DOCKER_VM_KERNEL/);
    }
  });

  test('vmAvailable names a missing qemu in one line', async () => {
    const r = await vmAvailable({ qemu: '/nonexistent/qemu-system-x86_64' });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.doesNotMatch(r.missing, /\n/);
      assert.match(r.missing, /no qemu at \/nonexistent/);
    }
  });

  test('runAsRootInVm fails with a usage error saying what is missing', async () => {
    await assert.rejects(
      runAsRootInVm(options('true', { kernel: '/nonexistent/bzImage' })),
      (err: unknown) => err instanceof VmUnavailableError && err.name === 'UsageError' && !err.message.includes('\n'),
    );
  });
});
