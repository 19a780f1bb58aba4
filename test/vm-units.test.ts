// The runAsRoot VM's host-side parts, without booting anything: the initrd's cpio
// writer, the tar name reader, the base layers' whiteout plan, module and kernel
// discovery, the KVM probe image, the shell quoting of the init's config.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { chooseAccel, probeImage } from '../src/vm/accel.ts';
import { BaseLayerError, prepareBaseLayers } from '../src/vm/baseLayers.ts';
import { cpioArchive } from '../src/vm/cpio.ts';
import { isStaticElf } from '../src/vm/host.ts';
import { configFile, scriptFile, shellQuote } from '../src/vm/initScript.ts';
import { bzImageVersion, planModules, readModulesIndex } from '../src/vm/kernel.ts';
import { extractVmlinux, hasPvhNote } from '../src/vm/pvh.ts';
import { TarFormatError, tarNames } from '../src/vm/tarNames.ts';
import { gnuTarLayer, tempDir, writeTree } from './fixtures/vm/vm.ts';

let work: string;
before(() => {
  work = tempDir('vm-units-');
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

async function namesOf(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const m of tarNames(fs.createReadStream(file) as AsyncIterable<Buffer>)) out.push(`${m.type} ${m.name.toString('latin1')}`);
  return out;
}

describe('cpio (newc) writer', () => {
  test('GNU cpio lists what was written', { skip: !has('cpio') && 'no cpio' }, () => {
    const bytes = cpioArchive([
      { kind: 'dir', name: 'bin' },
      { kind: 'file', name: 'bin/tool', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
      { kind: 'symlink', name: 'bin/alias', target: 'tool' },
      { kind: 'dir', name: 'dev' },
      { kind: 'char', name: 'dev/console', major: 5, minor: 1 },
    ]);
    assert.equal(bytes.length % 4, 0);
    const file = path.join(work, 'test.cpio');
    fs.writeFileSync(file, bytes);
    const listing = execFileSync('cpio', ['-itv', '--quiet', '-F', file], { encoding: 'utf8' });
    const lines = listing.trim().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0]!, /^drwxr-xr-x .* bin$/);
    assert.match(lines[1]!, /^-rwxr-xr-x .* 10 .* bin\/tool$/);
    assert.match(lines[2]!, /^lrwxrwxrwx .* bin\/alias -> tool$/);
    assert.match(lines[4]!, /^crw------- .* 5,\s*1 .* dev\/console$/);
  });

  test('names must be relative', () => {
    assert.throws(() => cpioArchive([{ kind: 'dir', name: '/abs' }]));
  });
});

describe('tar member names', () => {
  test('GNU long names, ustar prefixes, pax paths and non-UTF-8 bytes', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(40)}`;
    const dir = path.join(work, 'names');
    writeTree(dir, { [long]: 'x', 'short/file': 'y' });
    fs.writeFileSync(Buffer.from(path.join(dir, 'caf\xe9'), 'latin1'), 'latin1 name');
    for (const format of ['gnu', 'pax', 'ustar']) {
      const out = path.join(work, `names-${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-C', dir, '-cf', out, '.']);
      const names = await namesOf(out);
      assert.ok(names.includes(`0 ./${long}`), `${format}: ${names}`);
      assert.ok(names.includes('5 ./short/'), `${format}: ${names}`);
      assert.ok(names.includes('0 ./caf\xe9'), `${format}: ${names}`);
    }
  });

  test('a corrupt header is an error', async () => {
    const bad = path.join(work, 'bad.tar');
    fs.writeFileSync(bad, Buffer.alloc(1024, 0x41));
    await assert.rejects(namesOf(bad), TarFormatError);
  });
});

describe('base layers', () => {
  const list = (bs: Buffer[]): string[] => bs.map((b) => b.toString('latin1')).sort();

  test('whiteouts, opaque dirs and type changes become removals; markers are deleted after', async () => {
    const l1 = gnuTarLayer(work, 'p1', {
      'etc/a': 'a',
      'etc/b': 'b',
      'opt/d/x': 'x',
      'opt/d/sub/y': 'y',
      'srv/dir/inner': 'i',
      'srv/file': 'f',
      'top': 't',
    });
    const l2 = gnuTarLayer(work, 'p2', {
      'etc/.wh.a': '',
      'opt/d/.wh..wh..opq': '',
      'opt/d/new': 'n',
      'srv/dir': 'now a file',
      'srv/file/inside': 'now a dir',
      'etc/b': 'b2',
      '.wh.top': '',
    });
    const layers = await prepareBaseLayers(
      [
        { file: l1, offset: 0, size: fs.statSync(l1).size },
        { file: l2, offset: 0, size: fs.statSync(l2).size },
      ],
      work,
    );
    assert.deepEqual(layers[0]!.remove, []);
    assert.deepEqual(layers[0]!.markers, []);
    assert.equal(layers[0]!.file, l1, 'an uncompressed whole-sector file is read in place');
    assert.deepEqual(list(layers[1]!.remove), ['etc/a', 'etc/b', 'opt/d/sub', 'opt/d/x', 'srv/dir', 'srv/file', 'top']);
    assert.deepEqual(list(layers[1]!.markers), ['.wh.top', 'etc/.wh.a', 'opt/d/.wh..wh..opq']);
  });

  test('an opaque dir only empties what lower layers put there', async () => {
    const l1 = gnuTarLayer(work, 'q1', { 'd/old': 'o' });
    const l2 = gnuTarLayer(work, 'q2', { 'd/.wh..wh..opq': '', 'd/fresh': 'f' });
    const l3 = gnuTarLayer(work, 'q3', { 'd/.wh..wh..opq': '', 'd/third': 't' });
    const layers = await prepareBaseLayers(
      [l1, l2, l3].map((file) => ({ file, offset: 0, size: fs.statSync(file).size })),
      work,
    );
    assert.deepEqual(list(layers[1]!.remove), ['d/old']);
    assert.deepEqual(list(layers[2]!.remove), ['d/fresh'], 'd/old is already gone');
  });

  test('compressed layers and odd-sized files are copied out as whole sectors', async () => {
    const l1 = gnuTarLayer(work, 'c1', { 'z/file': 'zstd' });
    const zst = path.join(work, 'c1.tar.zst');
    fs.writeFileSync(zst, zlib.zstdCompressSync(fs.readFileSync(l1)));
    const odd = path.join(work, 'odd.bin');
    fs.writeFileSync(odd, Buffer.concat([Buffer.alloc(100, 1), fs.readFileSync(l1), Buffer.alloc(3, 2)]));
    const layers = await prepareBaseLayers(
      [
        { file: zst, offset: 0, size: fs.statSync(zst).size },
        { file: odd, offset: 100, size: fs.statSync(l1).size },
      ],
      work,
    );
    for (const l of layers) {
      assert.notEqual(l.file, zst);
      assert.notEqual(l.file, odd);
      assert.equal(fs.statSync(l.file).size % 512, 0);
      assert.deepEqual(fs.readFileSync(l.file).subarray(l.offset, l.offset + l.size), fs.readFileSync(l1));
    }
    assert.equal(layers[0]!.file, layers[1]!.file, 'rewritten layers share one file (one disk)');
    assert.equal(layers[1]!.offset % 512, 0);
    assert.ok(layers[1]!.offset >= layers[0]!.size);
    assert.deepEqual(list(layers[1]!.remove), ['z/file'], 'the same file again: unlinked first');
  });

  test('a layer without end-of-archive blocks inside a bigger file is copied out, zeros after', async () => {
    const l1 = gnuTarLayer(work, 'u1', { 'u/file': 'unterminated' });
    const members = fs.readFileSync(l1).subarray(0, 1024); // header + one data block, no zero blocks
    const next = Buffer.alloc(512, 0x55);
    const container = path.join(work, 'unterminated.bin');
    fs.writeFileSync(container, Buffer.concat([members, next, Buffer.alloc(512)]));
    const [layer] = await prepareBaseLayers([{ file: container, offset: 0, size: 1024 }], work);
    assert.notEqual(layer!.file, container);
    const bytes = fs.readFileSync(layer!.file);
    assert.deepEqual(bytes.subarray(layer!.offset, layer!.offset + 1024), members);
    assert.ok(bytes.subarray(layer!.offset + 1024, layer!.offset + 2048).every((b) => b === 0));
  });

  test("a '..' member or a range outside the file is refused", async () => {
    const evil = path.join(work, 'evil.tar');
    const dir = path.join(work, 'evil.d');
    writeTree(dir, { 'x': 'x' });
    execFileSync('tar', ['--format=gnu', '-C', dir, '--transform', 's,^x$,../x,', '-cf', evil, 'x']);
    await assert.rejects(prepareBaseLayers([{ file: evil, offset: 0, size: fs.statSync(evil).size }], work), BaseLayerError);
    await assert.rejects(prepareBaseLayers([{ file: evil, offset: 0, size: 1 << 30 }], work), /outside/);
  });
});

describe('kernel and modules', () => {
  test('modules load after their dependencies; built-ins need nothing; missing ones are named', () => {
    const dir = path.join(work, 'modules', '9.9.9-test');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'modules.dep'),
      [
        'kernel/drivers/virtio/virtio_pci.ko.zst: kernel/drivers/virtio/virtio_pci_modern_dev.ko.zst kernel/drivers/virtio/virtio.ko.zst kernel/drivers/virtio/virtio_ring.ko.zst',
        'kernel/drivers/virtio/virtio_pci_modern_dev.ko.zst: kernel/drivers/virtio/virtio.ko.zst kernel/drivers/virtio/virtio_ring.ko.zst',
        'kernel/drivers/virtio/virtio.ko.zst: kernel/drivers/virtio/virtio_ring.ko.zst',
        'kernel/drivers/virtio/virtio_ring.ko.zst:',
        'kernel/drivers/block/virtio_blk.ko.zst: kernel/drivers/virtio/virtio.ko.zst kernel/drivers/virtio/virtio_ring.ko.zst',
        'kernel/crypto/crc32c_generic.ko.zst:',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'modules.builtin'), 'kernel/fs/ext4/ext4.ko\nkernel/fs/overlayfs/overlay.ko\n');
    const plan = planModules(readModulesIndex(dir), ['virtio_pci', 'virtio-blk', 'ext4', 'overlay', '9p'], [['crc32c_intel', 'crc32c_generic'], ['loop']]);
    assert.deepEqual(
      plan.files.map((f) => path.basename(f, '.ko.zst')),
      ['virtio_ring', 'virtio', 'virtio_pci_modern_dev', 'virtio_pci', 'virtio_blk', 'crc32c_generic'],
    );
    assert.deepEqual(plan.missing, ['9p']);
  });

  test('the version inside a bzImage setup header', () => {
    const head = Buffer.alloc(0x1000);
    head.write('HdrS', 0x202, 'latin1');
    head.writeUInt16LE(0x300, 0x20e);
    head.write('6.8.0-1021-azure (buildd@lcy02) #25-Ubuntu SMP\0', 0x500, 'latin1');
    assert.equal(bzImageVersion(head), '6.8.0-1021-azure');
    assert.equal(bzImageVersion(Buffer.alloc(0x1000)), null);
  });

  const hostKernel = fs.existsSync('/boot') ? fs.readdirSync('/boot').find((n) => n.startsWith('vmlinuz-')) : undefined;
  const readable = (p: string): boolean => {
    try {
      fs.accessSync(p, fs.constants.R_OK);
      return true;
    } catch {
      return false;
    }
  };
  test('the host kernel: its version, and its PVH vmlinux', { skip: !(hostKernel && readable(`/boot/${hostKernel}`)) && 'no readable /boot/vmlinuz-*' }, () => {
    const bz = fs.readFileSync(`/boot/${hostKernel}`);
    assert.equal(bzImageVersion(bz), hostKernel!.slice('vmlinuz-'.length));
    const elf = extractVmlinux(bz);
    if (elf) {
      assert.equal(elf.readUInt32BE(0), 0x7f454c46);
      assert.equal(typeof hasPvhNote(elf), 'boolean');
    }
  });

  test('a static busybox is recognised, a dynamic program is not', { skip: !fs.existsSync('/bin/busybox') && 'no busybox' }, () => {
    if (isStaticElf(fs.realpathSync('/bin/busybox'))) assert.equal(isStaticElf(fs.realpathSync('/bin/ls')), false);
    else assert.fail('/bin/busybox is expected to be busybox-static here');
  });
});

describe('accelerator', () => {
  test('the probe guest is a valid multiboot header', () => {
    const b = probeImage();
    assert.equal((b.readUInt32LE(0) + b.readUInt32LE(4) + b.readUInt32LE(8)) >>> 0, 0);
    assert.equal(b.readUInt32LE(28), 0x100020);
  });

  test('off and on need no probe', async () => {
    assert.deepEqual(await chooseAccel('off', '/nonexistent/qemu'), { accelerator: 'tcg' });
    assert.deepEqual(await chooseAccel('on', '/nonexistent/qemu'), { accelerator: 'kvm' });
  });
});

describe('init config', () => {
  test('every value survives the shell', () => {
    const tricky = `it's "quoted" $HOME \`x\` \\ ; newline\nend`;
    assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(tricky)}`], { encoding: 'utf8' }), tricky);
    const config = configFile({
      nonce: 'n0',
      modules: ['00-a.ko', '01-b.ko'],
      disks: 3,
      hasStore: true,
      storeDir: '/nix/store',
      layers: [{ serial: 'in0', offset: 1536, size: 10240 }],
      seed: true,
      shell: '',
      scriptPath: '/usr/bin:/bin',
    });
    const out = execFileSync('sh', ['-c', `${config}\necho "$MODULES|$STORE_PARTS|$LAYER_0|$NLAYERS|$SEED|$SHELL_PATH|"`], {
      encoding: 'utf8',
    });
    assert.equal(out, '00-a.ko 01-b.ko|nix nix/store|in0 1536 10240|1|1||\n');
    assert.equal(scriptFile('echo hi'), 'set -e\necho hi\n');
  });
});
