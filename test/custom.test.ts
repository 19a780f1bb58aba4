// The customisation layer on real Nix, bash, fakeroot, proot and GNU tar.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildCustomisationLayer, ScriptError, symlinkJoin } from '../src/custom/index.ts';
import { silentLogger } from '../src/util/log.ts';
import { tarEntries, type Entry } from './helpers/archive.ts';
import {
  addToStore,
  busyboxStorePath,
  hasTool,
  listTar,
  memoryLogger,
  tarBytes,
  tempDir,
} from './fixtures/custom/store.ts';

const EPOCH = 315532800;

let work: string;
let pkgA: string;
let pkgB: string;
let busybox: string;

before(() => {
  work = tempDir('custom-test-');
  pkgA = addToStore('custom-pkg-a', {
    'bin/a': { exec: '#!/bin/sh\necho a\n' },
    'bin/common': { exec: '#!/bin/sh\necho from-a\n' },
    'bin/rel': { link: 'a' },
    'share/doc/a/README': 'package a\n',
    'lib/liba.so': 'not really a library\n',
    'backup~': 'skipped by lndir\n',
  });
  pkgB = addToStore('custom-pkg-b', {
    'bin/b': { exec: '#!/bin/sh\necho b\n' },
    'bin/common': { exec: '#!/bin/sh\necho from-b\n' },
    'share/doc/b/README': 'package b\n',
    'lib64/libb.so': 'b\n',
    lib: { link: 'lib64' },
    '.git/config': 'skipped by lndir\n',
  });
  busybox = busyboxStorePath();
});

after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const byName = (entries: Entry[]) => new Map(entries.map((e) => [e.name, e]));

function leftovers(): string[] {
  return fs.readdirSync(work).filter((n) => n.startsWith('custom-'));
}

describe('symlinkJoin of contents', () => {
  test('merges directories of several paths, first path wins, lndir exceptions', async () => {
    const out = path.join(work, 'join');
    fs.mkdirSync(out);
    await symlinkJoin([pkgA, pkgB], out, silentLogger);
    const link = (rel: string) => fs.readlinkSync(path.join(out, rel));
    assert.equal(link('bin/a'), `${pkgA}/bin/a`);
    assert.equal(link('bin/b'), `${pkgB}/bin/b`);
    assert.equal(link('bin/common'), `${pkgA}/bin/common`, 'the first path wins');
    assert.equal(link('bin/rel'), 'a', 'a symlink is copied with its own target text');
    assert.ok(fs.lstatSync(path.join(out, 'bin')).isDirectory());
    assert.ok(fs.lstatSync(path.join(out, 'share/doc')).isDirectory());
    assert.equal(link('share/doc/a/README'), `${pkgA}/share/doc/a/README`);
    assert.equal(link('share/doc/b/README'), `${pkgB}/share/doc/b/README`);
    // pkgB's `lib` is a symlink, pkgA's a directory: the directory stays, the link is dropped.
    assert.ok(fs.lstatSync(path.join(out, 'lib')).isDirectory());
    assert.equal(link('lib64/libb.so'), `${pkgB}/lib64/libb.so`);
    assert.ok(!fs.existsSync(path.join(out, 'backup~')));
    assert.ok(!fs.existsSync(path.join(out, '.git')));
    assert.equal(fs.statSync(path.join(out, 'bin')).mode & 0o7777, 0o755);
  });

  test('matches X.Org lndir where it is installed', { skip: !hasTool('lndir') }, async () => {
    const ours = path.join(work, 'join-ours');
    const theirs = path.join(work, 'join-lndir');
    fs.mkdirSync(ours);
    fs.mkdirSync(theirs);
    await symlinkJoin([pkgA, pkgB, busybox], ours, silentLogger);
    for (const p of [pkgA, pkgB, busybox]) execFileSync('lndir', ['-silent', p, theirs], { stdio: 'ignore' });
    const describeTree = (root: string) =>
      execFileSync('find', ['.', '-printf', '%y %m %p %l\n'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .sort()
        .join('\n');
    assert.equal(describeTree(ours), describeTree(theirs));
  });

  test('a content path that is not a directory fails', async () => {
    await assert.rejects(
      buildCustomisationLayer({ contents: [`${busybox}/bin/busybox`], workDir: work, log: silentLogger }),
      /not a directory/,
    );
    assert.deepEqual(leftovers(), []);
  });
});

describe('extraCommands and fakeRootCommands', () => {
  test('extraCommands run in the layer as the user; GNU tar rules', async () => {
    const layer = await buildCustomisationLayer({
      contents: [pkgA, pkgB],
      extraCommands: 'mkdir -p tmp; chmod 1777 tmp; echo made > made-by-extra; test -L bin/a',
      workDir: work,
      log: silentLogger,
    });
    try {
      const entries = await tarEntries(await tarBytes(layer.tar), true);
      const m = byName(entries);
      assert.equal(entries[0]!.name, './');
      assert.equal(m.get('./')!.mode, 0o755);
      assert.equal(m.get('./tmp/')!.mode, 0o1777);
      assert.equal(m.get('./tmp/')!.type, 'directory');
      assert.equal(m.get('./made-by-extra')!.data!.toString(), 'made\n');
      assert.equal(m.get('./bin/common')!.linkname, `${pkgA}/bin/common`);
      for (const e of entries) {
        assert.equal(e.mtime, EPOCH, e.name);
        assert.equal(e.uid, 0, e.name);
        assert.equal(e.gid, 0, e.name);
        assert.equal(e.uname, '', e.name);
      }
      // --sort=name: depth first, siblings in byte order.
      const names = entries.map((e) => e.name);
      assert.ok(names.indexOf('./bin/') < names.indexOf('./bin/a'));
      assert.ok(names.indexOf('./bin/rel') < names.indexOf('./lib/'));
      assert.deepEqual(layer.storeRefs.includes(pkgA) && layer.storeRefs.includes(pkgB), true);
    } finally {
      await layer.dispose();
    }
    assert.deepEqual(leftovers(), [], 'dispose removes the temporary directory');
  });

  test('fakeRootCommands: chown and chmod show in the tar headers', async () => {
    const layer = await buildCustomisationLayer({
      contents: [pkgA],
      extraCommands: 'mkdir -p some',
      fakeRootCommands: [
        'echo data > some/file',
        'chown 1000:1000 some/file',
        'chmod 4750 some/file',
        'mkdir -p home/user && chown -R 1000:100 home/user && chmod 700 home/user',
        'test "$(id -u)" = 0',
      ].join('\n'),
      workDir: work,
      log: silentLogger,
    });
    try {
      const m = byName(await tarEntries(await tarBytes(layer.tar)));
      const f = m.get('./some/file')!;
      assert.equal(f.uid, 1000);
      assert.equal(f.gid, 1000);
      assert.equal(f.mode, 0o4750);
      const h = m.get('./home/user/')!;
      assert.deepEqual([h.uid, h.gid, h.mode], [1000, 100, 0o700]);
      assert.equal(m.get('./some/')!.uid, 0);
    } finally {
      await layer.dispose();
    }
  });

  test('a failing extraCommands fails with its exit code and stderr, and cleans up', async () => {
    const err = await buildCustomisationLayer({
      contents: [pkgA],
      extraCommands: 'echo first >&2\nmkdir ro && chmod 555 ro\necho "it broke" >&2\nexit 3\necho never',
      workDir: work,
      log: silentLogger,
    }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ScriptError, String(err));
    assert.equal(err.exitCode, 3);
    assert.deepEqual(err.stderrTail, ['first', 'it broke']);
    assert.match(err.message, /extraCommands failed with exit code 3/);
    assert.deepEqual(leftovers(), []);
  });

  test('errexit: a failing command in the middle stops the script', async () => {
    await assert.rejects(
      buildCustomisationLayer({
        contents: [],
        fakeRootCommands: 'false\ntouch never',
        workDir: work,
        log: silentLogger,
      }),
      (e: unknown) => e instanceof ScriptError && e.script === 'fakeRootCommands' && e.exitCode === 1,
    );
    assert.deepEqual(leftovers(), []);
  });

  test('tools are needed only for what is asked, and a missing one is named', async () => {
    const bin = path.join(work, 'only-bash');
    fs.mkdirSync(bin, { recursive: true });
    const bash = execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();
    if (!fs.existsSync(path.join(bin, 'bash'))) fs.symlinkSync(bash, path.join(bin, 'bash'));
    const layer = await buildCustomisationLayer({
      contents: [pkgA],
      workDir: work,
      log: silentLogger,
      env: { PATH: '/nonexistent' },
    });
    await layer.dispose();
    await assert.rejects(
      buildCustomisationLayer({
        contents: [pkgA],
        extraCommands: 'true',
        workDir: work,
        log: silentLogger,
        env: { PATH: '/nonexistent' },
      }),
      /needs `bash` on PATH/,
    );
    await assert.rejects(
      buildCustomisationLayer({
        contents: [pkgA],
        fakeRootCommands: 'true',
        workDir: work,
        log: silentLogger,
        env: { PATH: bin },
      }),
      /fakeRootCommands needs `fakeroot` on PATH/,
    );
    assert.deepEqual(leftovers(), []);
  });

  test('nixDb runs before extraCommands, in the layer', async () => {
    const log = memoryLogger();
    const layer = await buildCustomisationLayer({
      contents: [pkgA],
      nixDb: async (root) => {
        fs.mkdirSync(path.join(root, 'nix/var/nix/db'), { recursive: true });
        fs.writeFileSync(path.join(root, 'nix/var/nix/db/marker'), `${pkgB}\n`);
      },
      extraCommands: 'test -f nix/var/nix/db/marker && echo saw-db',
      workDir: work,
      log,
    });
    try {
      assert.ok(log.lines.some((l) => l.includes('saw-db')));
      assert.ok(layer.storeRefs.includes(pkgB), 'a file naming a store path is a reference');
    } finally {
      await layer.dispose();
    }
  });

  test('storeRefs: symlinks and file contents made by the scripts', async () => {
    const layer = await buildCustomisationLayer({
      contents: [pkgA],
      extraCommands: `ln -s ${busybox}/bin/busybox sh\nmkdir etc\necho "PATH=${pkgB}/bin" > etc/profile`,
      workDir: work,
      log: silentLogger,
    });
    try {
      assert.deepEqual(layer.storeRefs, [pkgA, pkgB, busybox].sort());
    } finally {
      await layer.dispose();
    }
  });
});

describe('byte for byte as nixpkgs packs it', () => {
  test('same bytes as fakeroot + GNU tar on a copy of the same tree', async () => {
    const longName = `${'deep/'.repeat(12)}${'n'.repeat(60)}`;
    const extraCommands = [
      'mkdir -p tmp etc; chmod 1777 tmp',
      'printf "root:x:0:0::/root:/bin/sh\\n" > etc/passwd',
      `mkdir -p "$(dirname ${longName})"; echo long > ${longName}`,
      'echo hard > etc/hard1; ln etc/hard1 etc/hard2',
      `ln -s ${busybox}/bin/busybox etc/sh-${'x'.repeat(110)}`,
      'mkfifo etc/fifo',
    ].join('\n');
    const fakeRootCommands = [
      'mkdir -p home/app dev',
      'chown -R 1000:1000 home/app',
      'chmod 2750 home/app',
      'chown -h 5:6 etc/sh-*',
      'chmod 4755 etc/hard1',
      'mknod dev/null c 1 3',
      'mknod dev/sda b 8 0',
      'chmod 666 dev/null',
    ].join('\n');

    const layer = await buildCustomisationLayer({
      contents: [pkgA, pkgB, busybox],
      extraCommands,
      fakeRootCommands,
      workDir: work,
      log: silentLogger,
    });
    let ours: Buffer;
    try {
      ours = await tarBytes(layer.tar);
    } finally {
      await layer.dispose();
    }

    // The reference: the same join and scripts, packed by GNU tar inside fakeroot as nixpkgs does.
    const ref = path.join(work, 'reference');
    fs.mkdirSync(ref, { mode: 0o755 });
    fs.chmodSync(ref, 0o755);
    await symlinkJoin([pkgA, pkgB, busybox], ref, silentLogger);
    execFileSync('bash', ['-e', '-c', `umask 022; ${extraCommands}`], { cwd: ref });
    const theirs = execFileSync(
      'fakeroot',
      [
        'bash', '-e', '-c',
        `umask 022; ${fakeRootCommands}\n` +
          `tar --sort=name --numeric-owner --mtime=@${EPOCH} --hard-dereference -cf - .`,
      ],
      { cwd: ref, maxBuffer: 1 << 28, env: { ...process.env, FAKEROOTDONTTRYCHOWN: '1' } },
    );
    fs.rmSync(ref, { recursive: true, force: true });

    const listing = listTar(ours);
    assert.match(listing, /^crw-rw-rw- 0\/0 +1,3 .* \.\/dev\/null$/m);
    assert.match(listing, /^brw-r--r-- 0\/0 +8,0 .* \.\/dev\/sda$/m);
    if (!ours.equals(theirs)) {
      assert.equal(listing, listTar(theirs), 'listings differ');
      assert.fail('same listing, different bytes');
    }
  });
});

describe('enableFakechroot', () => {
  test('a store busybox writes /etc in the layer; host tools chown under fakeroot', async () => {
    const layer = await buildCustomisationLayer({
      contents: [pkgA],
      enableFakechroot: true,
      fakeRootCommands: [
        `${busybox}/bin/busybox sh -c 'mkdir -p /etc /var/lib/app; echo hello > /etc/greeting'`,
        'chown 1000:1000 /var/lib/app',
        'test "$(pwd)" = /',
        'test -L /bin/a',
        `test -x ${busybox}/bin/busybox`,
      ].join('\n'),
      workDir: work,
      log: silentLogger,
    });
    try {
      assert.equal(fs.readFileSync(path.join(layer.root!, 'etc/greeting'), 'utf8'), 'hello\n');
      const entries = await tarEntries(await tarBytes(layer.tar), true);
      const m = byName(entries);
      assert.equal(m.get('./etc/greeting')!.data!.toString(), 'hello\n');
      const app = m.get('./var/lib/app/')!;
      assert.deepEqual([app.uid, app.gid], [1000, 1000]);
      // proot's glue for the store bind: nixpkgs' tar records ./nix/ and excludes ./nix/store.
      assert.equal(m.get('./nix/')!.mode, 0o755);
      const names = entries.map((e) => e.name);
      for (const gone of ['./nix/store/', './dev/', './proc/', './sys/']) assert.ok(!names.includes(gone), gone);
      assert.ok(!names.some((n) => n.includes('.nix-docker-host') || n.startsWith('./lib64')), names.join(' '));
      assert.ok(layer.storeRefs.includes(pkgA));
    } finally {
      await layer.dispose();
    }
    assert.deepEqual(leftovers(), []);
  });

  test('with no script the layer still gets ./nix/', async () => {
    const layer = await buildCustomisationLayer({
      contents: [pkgA],
      enableFakechroot: true,
      workDir: work,
      log: silentLogger,
    });
    try {
      const names = (await tarEntries(await tarBytes(layer.tar))).map((e) => e.name);
      assert.ok(names.includes('./nix/'));
    } finally {
      await layer.dispose();
    }
  });

  test('a failing fakechroot script reports its exit code', async () => {
    await assert.rejects(
      buildCustomisationLayer({
        contents: [pkgA],
        enableFakechroot: true,
        fakeRootCommands: `${busybox}/bin/busybox sh -c 'echo nope >&2; exit 7'`,
        workDir: work,
        log: silentLogger,
      }),
      (e: unknown) => e instanceof ScriptError && e.exitCode === 7 && e.stderrTail.includes('nope'),
    );
    assert.deepEqual(leftovers(), []);
  });
});

describe('a join that no script changes', () => {
  test('is written from memory with the bytes GNU tar writes for lndir\'s join on disk, and leaves no directory', async () => {
    const long = addToStore('custom-pkg-long', {
      [`share/${'n'.repeat(120)}/file`]: 'deep\n',
      [`bin/${'l'.repeat(110)}`]: { link: `../share/${'t'.repeat(130)}` },
      'bin/common': { exec: '#!/bin/sh\necho from-long\n' },
    });
    const contents = [pkgA, pkgB, busybox, long];
    const layer = await buildCustomisationLayer({ contents, workDir: work, log: silentLogger });
    const ours = await tarBytes(layer.tar);
    await layer.dispose();
    assert.equal(layer.root, undefined);
    assert.deepEqual(leftovers(), []);
    assert.deepEqual(layer.storeRefs, [...contents].sort());

    // nixpkgs' recipe: symlinkJoin is lndir -silent per path, then GNU tar of the result.
    const ref = path.join(work, 'lndir-reference');
    const theirs = execFileSync(
      'bash',
      ['-e', '-c', `umask 022; mkdir "$0"; for p in "$@"; do lndir -silent "$p" "$0"; done; cd "$0"; tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@${EPOCH} --hard-dereference -cf - .`, ref, ...contents],
      { maxBuffer: 1 << 28 },
    );
    fs.rmSync(ref, { recursive: true, force: true });
    if (!ours.equals(theirs)) {
      assert.equal(listTar(ours), listTar(theirs), 'listings differ');
      assert.fail('same listing, different bytes');
    }
  });
});
