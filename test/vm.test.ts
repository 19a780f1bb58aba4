// runAsRoot in a real VM (qemu; TCG on the test machines): what the script sees and
// what comes back. Each run boots in ~5 s under TCG, so one run checks several things.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { runAsRootInVm } from '../src/vm/index.ts';
import { nixAvailable, nixFixtures } from './helpers/nixFixtures.ts';
import {
  capturingLogger,
  gnuTarLayer,
  hostBashTree,
  nixStyleKernel,
  resultEntries,
  tempDir,
  vmOptions,
  vmSkipReason,
  writeTree,
} from './fixtures/vm/vm.ts';

const skip = await vmSkipReason();
const text = (e: { data?: Buffer } | undefined): string | undefined => e?.data?.toString('utf8');

describe('runAsRoot VM', { skip }, () => {
  let work: string;
  before(() => {
    work = tempDir('vm-test-');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('a script without a base image: new files, owners, copyToRoot, the store; KVM auto-detection', async () => {
    const layerDir = path.join(work, 'layer-a');
    writeTree(layerDir, {
      'etc/seeded': 'from copyToRoot\n',
      'bin/tool': { content: '#!/bin/sh\necho tool\n', mode: 0o755 },
      'bin/doomed': 'deleted by the script\n',
    });
    const busybox = nixAvailable() ? (await nixFixtures()).busybox : undefined;
    const script = [
      'mkdir -p /data && echo hi > /data/x && chown 1000:1000 /data/x',
      'cat /etc/seeded > /data/seen',
      'rm /bin/doomed',
      busybox ? `${busybox}/bin/busybox echo from-store > /data/store` : 'echo no-store > /data/store',
      '[ -d /proc/self ] && [ -c /dev/null ] && [ -d /sys/kernel ] && echo mounted > /data/mounts',
      'echo "pid $$" > /data/pid',
      'echo "shell:${BASH_VERSION:-busybox}" > /data/shell',
      'echo done-with-script',
    ].join('\n');
    const log = capturingLogger();
    const r = await runAsRootInVm(vmOptions(work, script, { layerDir, storePaths: busybox ? [busybox] : [], log, kvm: 'auto' }));
    const e = await resultEntries(r.tar);

    assert.equal(e.get('data/x')?.uid, 1000);
    assert.equal(e.get('data/x')?.gid, 1000);
    assert.equal(text(e.get('data/x')), 'hi\n');
    assert.equal(e.get('data')?.type, 'directory');
    assert.equal(text(e.get('data/seen')), 'from copyToRoot\n', 'copyToRoot files are visible to the script');
    assert.equal(text(e.get('etc/seeded')), 'from copyToRoot\n', 'and stay in the layer');
    assert.equal(e.get('etc/seeded')?.uid, 0);
    assert.equal(e.get('bin/tool')?.mode, 0o755);
    assert.ok(!e.has('bin/doomed') && !e.has('bin/.wh.doomed'), 'a deleted copyToRoot file just disappears');
    if (busybox) assert.equal(text(e.get('data/store')), 'from-store\n', 'store paths run inside the chroot');
    assert.equal(text(e.get('data/mounts')), 'mounted\n', '/proc, /dev and /sys are mounted');
    assert.equal(text(e.get('data/pid')), 'pid 1\n', 'the script runs in its own PID namespace');
    assert.equal(text(e.get('data/shell')), 'shell:busybox\n', 'without a bash in the image, busybox sh runs it');
    // As nixpkgs: the mount points it had to create go away, /tmp stays.
    for (const gone of ['dev', 'proc', 'sys', 'nix', 'nix/store']) assert.ok(!e.has(gone), `no ${gone} in the layer`);
    assert.equal(e.get('tmp')?.type, 'directory');
    assert.ok(e.has(''), 'the root directory entry');

    assert.ok(log.shown().includes('runAsRoot: done-with-script'), 'script output goes to the log');
    const notices = log.shown().filter((l) => /TCG/.test(l));
    if (r.accelerator === 'tcg') {
      assert.equal(notices.length, 1, `exactly one notice line about TCG: ${JSON.stringify(notices)}`);
      assert.match(notices[0]!, /KVM is not usable \(.+\)/);
    } else {
      assert.equal(notices.length, 0);
    }
  });

  test('base layers: stacked in order, whiteouts, opaque dirs, copy-up keeps owners; the image bash', async () => {
    const uid = process.getuid?.() === 0;
    const bash = hostBashTree();
    const l1 = gnuTarLayer(work, 'base1', {
      ...bash,
      'etc/old': 'old\n',
      'etc/keep': 'keep me\n',
      'etc/over': 'first\n',
      'etc/owned': { content: 'www\n', uid: 33 },
      'opt/dir/a': 'a\n',
      'opt/dir/b': 'b\n',
      'usr/gone-later': 'removed by layer 2\n',
      'var/cache/stale': 'x\n',
      'srv/was-dir/inner': 'y\n',
    });
    const l2 = gnuTarLayer(work, 'base2', {
      'etc/over': 'second\n',
      'usr/.wh.gone-later': '',
      'opt/dir/.wh..wh..opq': '',
      'opt/dir/c': 'c\n',
      'srv/was-dir': 'now a file\n',
    });
    // Layer 1 sits at an offset inside a bigger file (as in a docker-archive); layer 2 is gzipped.
    const container = path.join(work, 'archive.bin');
    const junk = Buffer.alloc(1536, 0x41);
    fs.writeFileSync(container, Buffer.concat([junk, fs.readFileSync(l1), Buffer.alloc(512, 0x42)]));
    const l2gz = path.join(work, 'base2.tar.gz');
    fs.writeFileSync(l2gz, zlib.gzipSync(fs.readFileSync(l2)));

    const layerDir = path.join(work, 'layer-b');
    writeTree(layerDir, { 'etc/from-copy': 'copy\n' });
    const script = [
      'rm /etc/old',
      'cat /etc/keep > /etc/copied',
      'cat /etc/over > /etc/seen-over',
      'ls /opt/dir > /etc/seen-dir',
      '[ ! -e /usr/gone-later ] && echo gone > /etc/seen-gone',
      'cat /srv/was-dir > /etc/seen-srv',
      'chmod 600 /etc/keep',
      'echo more >> /etc/owned',
      'rm -rf /var/cache && mkdir /var/cache && echo new > /var/cache/new',
      'echo "shell:${BASH_VERSION:-busybox}" > /etc/seen-shell',
      bash ? 'mkdir -p /made/{a,b}' : 'mkdir -p /made/a /made/b',
    ].join('\n');
    const r = await runAsRootInVm(
      vmOptions(work, script, {
        baseLayers: [
          { file: container, offset: junk.length, size: fs.statSync(l1).size },
          { file: l2gz, offset: 0, size: fs.statSync(l2gz).size },
        ],
        layerDir,
      }),
    );
    const e = await resultEntries(r.tar);
    const names = [...e.keys()].sort();

    assert.equal(e.get('etc/.wh.old')?.type, 'file', `a whiteout for the deleted base file: ${names}`);
    assert.equal(e.get('etc/.wh.old')?.size, 0);
    assert.ok(!e.has('etc/old'));
    assert.equal(text(e.get('etc/copied')), 'keep me\n', 'base layer files are visible');
    assert.equal(text(e.get('etc/seen-over')), 'second\n', 'the upper base layer wins');
    assert.equal(text(e.get('etc/seen-dir')), 'c\n', "an opaque base dir hides the lower layer's entries");
    assert.equal(text(e.get('etc/seen-gone')), 'gone\n', 'a base whiteout hides the file');
    assert.equal(text(e.get('etc/seen-srv')), 'now a file\n', 'a file replacing a directory');
    assert.equal(e.get('etc/keep')?.mode, 0o600, 'a chmod copies the file up with its new mode');
    assert.equal(text(e.get('etc/keep')), 'keep me\n');
    assert.equal(text(e.get('etc/owned')), 'www\nmore\n');
    if (uid) assert.equal(e.get('etc/owned')?.uid, 33, 'copy-up keeps the owner');
    assert.equal(e.get('var/cache/.wh..wh..opq')?.type, 'file', `a re-created directory is opaque: ${names}`);
    assert.equal(text(e.get('var/cache/new')), 'new\n');
    assert.equal(text(e.get('etc/from-copy')), 'copy\n');
    if (bash) {
      assert.match(text(e.get('etc/seen-shell')) ?? '', /^shell:\d+\.\d+/, "the image's /bin/bash runs the script");
      assert.ok(e.has('made/a') && e.has('made/b'), 'bash brace expansion');
      assert.ok(!e.has('bin/bash'), 'the base files it used are not in the layer');
    }
    for (const untouched of ['etc/over', 'opt/dir/c', 'usr', 'opt', 'srv/was-dir', 'usr/.wh.gone-later']) {
      assert.ok(!e.has(untouched), `${untouched} was not changed, so it is not in the layer`);
    }
    // The result is a plain tar GNU tar reads too.
    const listing = execFileSync("tar", ["--numeric-owner", "-tvf", r.tar]).toString(); if (process.env.SHOW) console.log(listing);
  });

  test('a kernel given as a Nix-style directory, with xz-compressed modules', async (t) => {
    const kernel = nixStyleKernel(work);
    if (!kernel) return t.skip('no readable host kernel or no xz');
    const layerDir = path.join(work, 'layer-c');
    fs.mkdirSync(layerDir);
    const log = capturingLogger();
    const r = await runAsRootInVm({
      script: 'echo ok > /ok',
      baseLayers: [],
      layerDir,
      storePaths: [],
      diskSizeMiB: 32,
      memoryMiB: 256,
      workDir: work,
      log,
      kvm: 'off',
      kernel,
      timeoutSeconds: 120,
    });
    assert.equal(text((await resultEntries(r.tar)).get('ok')), 'ok\n');
    assert.ok(log.shown().some((l) => l.includes(`from ${kernel}`)), 'the log says where the kernel came from');
  });
});
