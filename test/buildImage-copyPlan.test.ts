// buildImage's copy planned in memory (buildImage/copyPlan.ts) against the copy made on
// disk (copyToRoot.ts, then planLayerTree and the store-reference scan over it): the same
// layer bytes, names and references, and the same refusals. Then whole images built
// both ways from real store paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyToRoot } from '../src/functions/buildImage/copyToRoot.ts';
import { copyTreeContents, copyTreeMembers, planCopy } from '../src/functions/buildImage/copyPlan.ts';
import { planLayerTree, sandboxOwner } from '../src/functions/buildImage/layerTar.ts';
import { planBuildImage, type BuildImagePlan } from '../src/functions/buildImage.ts';
import { findStoreRefs, storeRefsInTree } from '../src/custom/storeRefs.ts';
import { plannedTar } from '../src/tar/writer.ts';
import { parseSpec } from '../src/spec/index.ts';
import { parseArgs } from '../src/cli/args.ts';
import { silentLogger } from '../src/util/log.ts';
import type { PlannedTar } from '../src/model.ts';
import { findBusybox, useOfflineNix } from './helpers/nixFixtures.ts';
import { REPO } from './helpers/cli.ts';
import { tarEntries } from './helpers/archive.ts';

useOfflineNix();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'build-image-copy-plan-'));
const MTIME = 1;

async function bytesOf(tar: PlannedTar): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of tar.chunks()) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

function write(file: string, content: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.chmodSync(file, mode);
}

// A fake store: names shaped like store paths, for the reference scan.
const store = path.join(tmp, 'store');
const HASH_A = 'a'.repeat(32);
const HASH_B = '0123456789abcdfghijklmnpqrsvwxyz';
const HASH_C = 'c'.repeat(32);
const HASH_D = 'd'.repeat(32);
for (const h of [HASH_A, HASH_B, HASH_C, HASH_D, 'f'.repeat(32)]) fs.mkdirSync(path.join(store, `${h}-pkg`), { recursive: true });

/** Items with conflicts, nested directories, modes, directory links, long names and targets. */
function fixtures(): string[] {
  const root = fs.mkdtempSync(path.join(tmp, 'items-'));
  const a = path.join(root, 'a');
  const b = path.join(root, 'b');
  const target = path.join(root, 'target');
  write(path.join(a, 'etc/motd'), 'from a\n', 0o644);
  write(path.join(a, 'bin/tool'), '#!/bin/sh\n', 0o755);
  write(path.join(a, 'lib/libx.so'), `needs ${store}/${HASH_A}-pkg\n`, 0o444);
  write(path.join(a, 'file-then-dir'), 'x', 0o644);
  fs.mkdirSync(path.join(a, 'empty-then-file'));
  write(path.join(a, 'deep/er/and/deeper/' + 'n'.repeat(120)), 'long name\n', 0o555);
  fs.symlinkSync(`${store}/${HASH_B}-pkg/${'t'.repeat(150)}`, path.join(a, 'long-target'));
  fs.symlinkSync('etc/motd', path.join(a, 'link-then-dir'));
  fs.mkdirSync(path.join(a, `${HASH_D}-named-dir`));
  fs.chmodSync(path.join(a, 'lib'), 0o555);
  fs.chmodSync(path.join(a, 'deep/er'), 0o700);

  write(path.join(b, 'etc/motd'), 'from b\n', 0o444);
  write(path.join(b, 'etc/other'), 'b\n', 0o555);
  write(path.join(b, 'file-then-dir/inside'), 'now a directory\n', 0o644);
  write(path.join(b, 'empty-then-file'), 'was an empty directory\n', 0o755);
  write(path.join(b, 'link-then-dir/f'), 'f\n', 0o444);
  write(path.join(b, 'deep/er/also'), 'merged\n', 0o444);
  fs.symlinkSync(path.join(store, `${HASH_C}-pkg`), path.join(b, 'store-dir-link')); // a directory: followed with -k
  fs.symlinkSync('../nowhere', path.join(b, 'dangling'));
  fs.symlinkSync('motd', path.join(b, 'etc/motd-link'));
  fs.chmodSync(path.join(b, 'etc'), 0o555);
  fs.chmodSync(path.join(b, 'deep/er'), 0o751);

  write(path.join(target, 'bin/other-tool'), 'other\n', 0o555);
  fs.chmodSync(path.join(target, 'bin'), 0o555);
  fs.symlinkSync(path.join(target, 'bin'), path.join(b, 'bin')); // merged into a's bin as a directory
  write(path.join(store, `${HASH_C}-pkg/share/doc`), 'doc\n', 0o444);

  fs.chmodSync(a, 0o755);
  fs.chmodSync(b, 0o555);
  return [a, b];
}

async function onDisk(items: string[], attribute = 'copyToRoot') {
  const root = path.join(fs.mkdtempSync(path.join(tmp, 'disk-')), 'layer');
  fs.mkdirSync(root);
  fs.chmodSync(root, 0o755);
  copyToRoot(items, root, { keepDirlinks: false, attribute });
  const owner = sandboxOwner(1000, 100);
  const tree = planLayerTree(root, MTIME, () => ({ owner }));
  const tar = await bytesOf(plannedTar(tree.members, { dialect: 'gnu', longLinkOwner: 'root' }));
  return { tar, names: tree.names, refs: await findStoreRefs(root, store) };
}

async function inMemory(items: string[], attribute = 'copyToRoot') {
  const copy = planCopy(items, attribute);
  const tree = copyTreeMembers(copy, MTIME, sandboxOwner(1000, 100));
  const tar = await bytesOf(plannedTar(tree.members, { dialect: 'gnu', longLinkOwner: 'root' }));
  const { texts, files } = copyTreeContents(copy);
  return { tar, names: tree.names, refs: await storeRefsInTree(texts, files, store) };
}

test('the copy planned in memory writes the bytes of the copy on disk', async () => {
  const items = fixtures();
  const disk = await onDisk(items);
  const memory = await inMemory(items);
  assert.deepEqual([...memory.names].sort(), [...disk.names].sort());
  assert.deepEqual(memory.refs, disk.refs);
  assert.ok(memory.tar.equals(disk.tar), 'layer tars differ');

  // What a user sees in the layer, to know the comparison covered the cases.
  const entries = new Map((await tarEntries(memory.tar, true)).map((e) => [e.name, e]));
  const mode = (name: string) => entries.get(name)?.mode;
  assert.equal(mode('./'), 0o775); // b's 0555, then ug+w
  assert.equal(mode('./etc/'), 0o555);
  assert.equal(entries.get('./etc/motd')?.data?.toString(), 'from b\n');
  assert.equal(mode('./etc/motd'), 0o444);
  assert.equal(mode('./bin/tool'), 0o755);
  assert.equal(mode('./bin/'), 0o555);
  assert.equal(entries.get('./bin/other-tool')?.data?.toString(), 'other\n');
  assert.equal(mode('./deep/er/'), 0o751);
  assert.equal(mode(`./deep/er/and/deeper/${'n'.repeat(120)}`), 0o555);
  assert.equal(entries.get('./long-target')?.linkname, `${store}/${HASH_B}-pkg/${'t'.repeat(150)}`);
  assert.equal(entries.get('./file-then-dir/')?.type, 'directory');
  assert.equal(entries.get('./empty-then-file')?.type, 'file');
  assert.equal(entries.get('./link-then-dir/')?.type, 'directory');
  assert.equal(entries.get('./store-dir-link/share/doc')?.data?.toString(), 'doc\n');
  assert.equal(entries.get('./dangling')?.linkname, '../nowhere');
  assert.equal(entries.get('./etc/motd-link')?.linkname, 'motd');
  // File content (a), link target (b), a name (d); c only through a followed link's path, which the layer does not hold.
  assert.deepEqual(memory.refs, [HASH_A, HASH_B, HASH_D].map((h) => `${store}/${h}-pkg`).sort());
});

test('no items: an empty root of mode 0775, as on disk', async () => {
  const disk = await onDisk([]);
  const memory = await inMemory([]);
  assert.ok(memory.tar.equals(disk.tar));
  assert.equal((await tarEntries(memory.tar, true))[0]?.mode, 0o775);
});

test('a link to its own directory is followed until the kernel gives up (ELOOP), then kept as a link, as on disk', async () => {
  const loop = fs.mkdtempSync(path.join(tmp, 'loop-'));
  fs.symlinkSync('.', path.join(loop, 'self'));
  const disk = await onDisk([loop]);
  const memory = await inMemory([loop]);
  assert.ok(memory.tar.equals(disk.tar));
  const entries = await tarEntries(memory.tar);
  assert.ok(entries.filter((e) => e.type === 'directory').length > 10);
  assert.ok(entries.some((e) => e.type === 'symlink' && e.linkname === '.'));
});

test('the copy in memory refuses what the copy on disk refuses, with the same message', async () => {
  const root = fs.mkdtempSync(path.join(tmp, 'refuse-'));
  const dirFirst = path.join(root, 'dir-first');
  const fileLater = path.join(root, 'file-later');
  write(path.join(dirFirst, 'etc/passwd'), 'root\n', 0o644);
  write(path.join(fileLater, 'etc'), 'a file\n', 0o644);
  const notDir = path.join(dirFirst, 'etc/passwd');
  for (const [items, pattern] of [
    [[dirFirst, fileLater], /etc is a file there, but a non-empty directory/],
    [[notDir], /is not a directory/],
    [[path.join(root, 'missing')], /ENOENT/],
  ] as const) {
    const disk = await onDisk([...items], 'contents').then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(disk instanceof Error && pattern.test(disk.message), String(disk));
    assert.throws(() => planCopy(items, 'contents'), { name: disk.name, message: disk.message });
  }
});

test('a whole image from store paths: the layer planned in memory is the layer copied on disk', async () => {
  const fixturesNix = path.join(REPO, 'test/fixtures/buildImage/default.nix');
  const attrs = ['nested', 'extraRoot', 'helloEnv', 'hardLinks', 'refRoot'];
  const out = execFileSync('nix-build', ['--no-out-link', '--option', 'substituters', '', fixturesNix, '--arg', 'busyboxBin', findBusybox(), ...attrs.flatMap((a) => ['-A', a])], { encoding: 'utf8' });
  const items = out.trim().split('\n');
  const argv = ['--name', 'copy-plan', '--uid', '1000', '--gid', '100', ...items.flatMap((i) => ['--copyToRoot', i])];
  const spec = parseSpec('buildImage', parseArgs('buildImage', argv).raw);
  if (spec.fn !== 'buildImage') throw new Error('not a buildImage spec');
  const layerOf = async (copyOnDisk: boolean) => {
    const workDir = fs.mkdtempSync(path.join(tmp, 'work-'));
    const ctx = { workDir, log: silentLogger, now: new Date(0), storeDir: '/nix/store' };
    const plan: BuildImagePlan = await planBuildImage(spec, ctx, { copyOnDisk });
    try {
      const layer = plan.layers.at(-1)!;
      const parts: Buffer[] = [];
      for await (const c of layer.chunks()) parts.push(Buffer.from(c));
      return { bytes: Buffer.concat(parts), member: layer.member, paths: layer.paths };
    } finally {
      await plan.dispose();
    }
  };
  const disk = await layerOf(true);
  const memory = await layerOf(false);
  assert.equal(memory.member, disk.member);
  assert.deepEqual(memory.paths, disk.paths);
  assert.ok(memory.bytes.equals(disk.bytes), 'layer tars differ');
  const entries = await tarEntries(memory.bytes, true);
  // helloEnv's bin link is followed; refRoot names busybox, whose files are appended.
  assert.equal(entries.find((e) => e.name === './bin/')?.type, 'directory');
  assert.ok(disk.paths.some((p) => p.endsWith('-busybox')), disk.paths.join(' '));
});
