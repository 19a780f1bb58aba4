// Unit tests of buildImage's parts: the spec, jq's JSON formatting (against jq itself), the
// rsync-like copy, the VM layer extraction, the layer tar pieces, tarIndex's metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSpec, SpecError } from '../src/spec/index.ts';
import { parseArgs } from '../src/cli/args.ts';
import { buildImageConfig, createdValue, jqJson } from '../src/functions/buildImage/imageJson.ts';
import { copyToRoot } from '../src/functions/buildImage/copyToRoot.ts';
import { extractVmLayer, VmLayerError } from '../src/functions/buildImage/vmLayer.ts';
import { concatTars, lsTarName, planLayerTree, sandboxOwner } from '../src/functions/buildImage/layerTar.ts';
import { lastOccurrences } from '../src/functions/buildImage/runAsRoot.ts';
import { layerFileFor } from '../src/functions/buildImage.ts';
import { indexTar } from '../src/image/tarIndex.ts';
import type { PlannedTar } from '../src/model.ts';
import { tarEntries } from './helpers/archive.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'build-image-units-'));
const flags = (argv: string[]) => parseArgs('buildImage', argv).raw;

async function bytesOf(tar: PlannedTar): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of tar.chunks()) parts.push(Buffer.from(c));
  const all = Buffer.concat(parts);
  assert.equal(all.length, tar.size);
  return all;
}

test('spec: the documented defaults; buildArgs holds what was given', () => {
  const spec = parseSpec('buildImage', flags(['--name', 'redis', '--copyToRoot', '/nix/store/a', '--diskSize', '2048']));
  assert.equal(spec.fn, 'buildImage');
  assert.equal(spec.tag, null);
  assert.equal(spec.fromImage, null);
  assert.equal(spec.fromImageName, null);
  assert.equal(spec.fromImageTag, null);
  assert.deepEqual(spec.copyToRoot, ['/nix/store/a']);
  assert.equal(spec.contents, null);
  assert.equal(spec.keepContentsDirlinks, false);
  assert.equal(spec.runAsRoot, null);
  assert.equal(spec.extraCommands, '');
  assert.equal(spec.config, null);
  assert.equal(spec.diskSize, 2048);
  assert.equal(spec.buildVMMemorySize, 512);
  assert.equal(spec.created, '1970-01-01T00:00:01Z');
  assert.equal(spec.uid, 0);
  assert.equal(spec.gid, 0);
  assert.equal(spec.compressor, 'gz');
  assert.equal(spec.includeNixDB, false);
  assert.deepEqual(spec.buildArgs, { name: 'redis', copyToRoot: ['/nix/store/a'], diskSize: 2048 });
  const withDb = parseSpec('buildImageWithNixDb', flags(['--name', 'x']));
  assert.equal(withDb.includeNixDB, true);
  assert.deepEqual(withDb.buildArgs, { name: 'x', includeNixDB: true });
  assert.throws(() => parseSpec('buildImage', flags(['--name', 'x', '--mtime', 'now'])), /attribute 'mtime': not an attribute of buildImage/);
  assert.throws(() => parseSpec('buildImage', flags(['--name', 'x', '--buildVMMemorySize', '0'])), SpecError);
});

test('jqJson prints what jq prints', () => {
  const values: unknown[] = [
    { a: 'x\u007f\u2028é/\u0001\t"\\', b: [], c: {}, d: [1, 2.5, 1e20, 1e16, 1e15, 12e15, 0.00001, 0.0001, 123456789012345680, 3.14, 1e300, 5e-324, -7.25e-7, true, null, { e: [] }] },
    { Env: ['PATH=/bin', 'LANG=C.UTF-8'], ExposedPorts: { '80/tcp': {} }, Labels: { 'emoji 🐳': 'ok' } },
    [],
    'plain',
  ];
  for (const v of values) {
    const jq = execFileSync('jq', ['.'], { input: JSON.stringify(v) }).toString();
    assert.equal(`${jqJson(v)}\n`, jq, JSON.stringify(v));
  }
});

test('image config: key order, Env base first, config null, history per layer', () => {
  const c = buildImageConfig({ created: 'C', architecture: 'arm64', config: { WorkingDir: '/d', Cmd: ['x'] }, baseEnv: ['A=1'], diffIds: ['sha256:a', 'sha256:b'] });
  assert.deepEqual(Object.keys(c), ['architecture', 'config', 'created', 'os', 'preferLocalBuild', 'rootfs', 'history']);
  assert.deepEqual(c.config, { Cmd: ['x'], WorkingDir: '/d', Env: ['A=1'] });
  assert.deepEqual(c.history, [{ created: 'C' }, { created: 'C' }]);
  const withEnv = buildImageConfig({ created: 'C', architecture: 'amd64', config: { Env: ['A=2'], Cmd: [] }, baseEnv: ['A=1'], diffIds: [] });
  assert.deepEqual(Object.keys(withEnv.config as object), ['Cmd', 'Env']);
  assert.deepEqual((withEnv.config as any).Env, ['A=1', 'A=2']);
  assert.deepEqual(buildImageConfig({ created: 'C', architecture: 'amd64', config: null, baseEnv: undefined, diffIds: [] }).config, { Env: [] });
});

test('created: kept as given when RFC 3339; "now" and other ISO-8601 forms as date -Iseconds', () => {
  assert.equal(createdValue('1970-01-01T00:00:01Z', new Date()), '1970-01-01T00:00:01Z');
  assert.equal(createdValue('2024-02-03T04:05:06.5+01:00', new Date()), '2024-02-03T04:05:06.5+01:00');
  assert.equal(createdValue('now', new Date('2024-05-06T07:08:09.123Z')), '2024-05-06T07:08:09+00:00');
  assert.equal(createdValue('2024-05-06', new Date()), '2024-05-06T00:00:00+00:00');
});

test('names: ls_tar form, the layer file beside the archive, sandbox owner names, dedup of repeated layers', () => {
  assert.equal(lsTarName('./a/b/'), '/a/b');
  assert.equal(lsTarName('/nix/store/x'), '/nix/store/x');
  assert.equal(lsTarName('./'), '');
  assert.equal(layerFileFor('/o/hello.tar.gz'), '/o/hello-layer.tar');
  assert.equal(layerFileFor('/o/img.tar.zst'), '/o/img-layer.tar');
  assert.equal(layerFileFor('/o/img'), '/o/img-layer.tar');
  assert.deepEqual(sandboxOwner(1000, 100), { uid: 1000, gid: 100, uname: 'nixbld', gname: 'nixbld' });
  assert.deepEqual(sandboxOwner(5, 6), { uid: 5, gid: 6, uname: '', gname: '' });
  const l = (diffId: string, n: number) => ({ diffId, n });
  assert.deepEqual(lastOccurrences([l('a', 0), l('b', 1), l('a', 2)]).map((x) => x.n), [1, 2]);
});

function tree(spec: Record<string, string | null>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'tree-'));
  for (const [rel, content] of Object.entries(spec)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (content === null) fs.mkdirSync(p, { recursive: true });
    else if (content.startsWith('->')) fs.symlinkSync(content.slice(2), p);
    else fs.writeFileSync(p, content);
  }
  return dir;
}

test('copyToRoot: merge order, modes, -k and -K, and the conflicts rsync refuses', () => {
  const a = tree({ 'etc/motd': 'a', 'lib/x': 'x', 'lib64': '->lib', bin: null });
  const b = tree({ 'etc/motd': 'b', 'lib64/y': 'y', 'bin/tool': 't' });
  fs.chmodSync(path.join(a, 'etc'), 0o555);
  fs.chmodSync(path.join(a, 'lib'), 0o555);
  fs.chmodSync(a, 0o555);
  fs.chmodSync(b, 0o750);

  const k = fs.mkdtempSync(path.join(tmp, 'k-'));
  copyToRoot([a, b], k, { keepDirlinks: false, attribute: 'copyToRoot' });
  assert.equal(fs.readFileSync(path.join(k, 'etc/motd'), 'utf8'), 'b'); // the last item wins
  assert.equal(fs.statSync(path.join(k, 'etc')).mode & 0o7777, 0o755); // and its directory bits
  assert.equal(fs.statSync(path.join(k, 'lib')).mode & 0o7777, 0o555); // a read-only directory stays so
  assert.ok(fs.lstatSync(path.join(k, 'lib64')).isDirectory()); // -k: a copy of lib
  assert.ok(fs.existsSync(path.join(k, 'lib64/x')) && fs.existsSync(path.join(k, 'lib64/y')));
  assert.equal(fs.statSync(k).mode & 0o7777, 0o750 | 0o220); // the last item's bits, then ug+w

  const K = fs.mkdtempSync(path.join(tmp, 'K-'));
  copyToRoot([a, b], K, { keepDirlinks: true, attribute: 'copyToRoot' });
  assert.equal(fs.readlinkSync(path.join(K, 'lib64')), 'lib'); // -K: kept, and b's lib64/ went through it
  assert.equal(fs.readFileSync(path.join(K, 'lib/y'), 'utf8'), 'y');

  const outside = tree({ 'bin': `->${b}/bin` });
  const c = fs.mkdtempSync(path.join(tmp, 'out-'));
  assert.throws(() => copyToRoot([outside, b], c, { keepDirlinks: true, attribute: 'copyToRoot' }), /outside the image root/);

  const fileOverDir = tree({ 'etc': 'now a file' });
  const d = fs.mkdtempSync(path.join(tmp, 'fod-'));
  assert.throws(() => copyToRoot([b, fileOverDir], d, { keepDirlinks: false, attribute: 'contents' }), /^SpecError: attribute 'contents': .*\/etc is a file there, but a non-empty directory/);
  const empty = tree({ 'etc': null });
  const e = fs.mkdtempSync(path.join(tmp, 'emp-'));
  copyToRoot([empty, fileOverDir], e, { keepDirlinks: false, attribute: 'copyToRoot' });
  assert.equal(fs.readFileSync(path.join(e, 'etc'), 'utf8'), 'now a file');

  assert.throws(() => copyToRoot([path.join(a, 'lib/x')], fs.mkdtempSync(path.join(tmp, 'f-')), { keepDirlinks: false, attribute: 'copyToRoot' }), /is not a directory/);
  // A link to its own directory, followed by -k, ends where the kernel stops resolving it (ELOOP): a symlink.
  const loop = tree({ 'self': '->.' });
  const l = fs.mkdtempSync(path.join(tmp, 'loop-'));
  copyToRoot([loop], l, { keepDirlinks: false, attribute: 'copyToRoot' });
  assert.ok(fs.lstatSync(path.join(l, 'self/self')).isDirectory());
});

/** A tar file from a list of members, written by Python's tarfile (any order, any type). */
function pyTar(members: object[]): string {
  const file = path.join(fs.mkdtempSync(path.join(tmp, 'py-')), 'x.tar');
  const script = `
import json, sys, tarfile, io
ms = json.loads(sys.argv[2])
with tarfile.open(sys.argv[1], 'w', format=tarfile.GNU_FORMAT) as t:
    for m in ms:
        ti = tarfile.TarInfo(m['name'])
        ti.type = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'sym': tarfile.SYMTYPE, 'hard': tarfile.LNKTYPE, 'chr': tarfile.CHRTYPE, 'fifo': tarfile.FIFOTYPE}[m['type']]
        ti.mode = m.get('mode', 0o644); ti.uid = m.get('uid', 0); ti.gid = m.get('gid', 0)
        ti.linkname = m.get('link', ''); ti.devmajor = m.get('major', 0); ti.devminor = m.get('minor', 0)
        data = m.get('data', '').encode()
        ti.size = len(data) if m['type'] == 'file' else 0
        t.addfile(ti, io.BytesIO(data) if m['type'] == 'file' else None)
`;
  execFileSync('python3', ['-c', script, file, JSON.stringify(members)]);
  return file;
}

test('VM layer: any order, owners by inode, modes, hard links, devices; extraCommands edits are kept', async () => {
  const file = pyTar([
    { name: './etc/passwd', type: 'file', data: 'root\n', mode: 0o600, uid: 0 },
    { name: './data/sub/f', type: 'file', data: 'f', uid: 1000, gid: 1000, mode: 0o4755 },
    { name: './', type: 'dir', mode: 0o755 },
    { name: './data/', type: 'dir', mode: 0o700, uid: 1000, gid: 1000 },
    { name: './etc/', type: 'dir', mode: 0o555 },
    { name: './data/hard', type: 'hard', link: './data/sub/f', uid: 1000, gid: 1000, mode: 0o4755 },
    { name: './dev-null', type: 'chr', major: 1, minor: 3, mode: 0o666 },
    { name: './fifo', type: 'fifo', mode: 0o600 },
    { name: './link', type: 'sym', link: '/etc/passwd' },
    { name: './etc/.wh.gone', type: 'file', data: '' },
  ]);
  const layer = await extractVmLayer(file, path.join(fs.mkdtempSync(path.join(tmp, 'vm-')), 'root'));
  // What extraCommands might do on the host: rename, chmod, add.
  fs.renameSync(path.join(layer.root, 'data/sub/f'), path.join(layer.root, 'data/sub/renamed'));
  fs.chmodSync(path.join(layer.root, 'data/hard'), 0o640);
  fs.writeFileSync(path.join(layer.root, 'new'), 'n');
  const entries = await tarEntries(await bytesOf(concatTars([{ members: planLayerTree(layer.root, 315532800, layer.info).members, opts: { dialect: 'gnu', longLinkOwner: '' } }])), true);
  const by = new Map(entries.map((e) => [e.name, e]));
  assert.deepEqual(entries.map((e) => e.name), ['./', './data/', './data/hard', './data/sub/', './data/sub/renamed', './dev-null', './etc/', './etc/.wh.gone', './etc/passwd', './fifo', './link', './new']);
  assert.deepEqual([by.get('./data/')!.uid, by.get('./data/')!.mode], [1000, 0o700]);
  assert.deepEqual([by.get('./data/sub/')!.uid, by.get('./data/sub/')!.mode], [0, 0o755]); // no member: made as tar would
  assert.deepEqual([by.get('./data/sub/renamed')!.uid, by.get('./data/sub/renamed')!.mode], [1000, 0o4755]);
  assert.deepEqual([by.get('./data/hard')!.type, by.get('./data/hard')!.mode, by.get('./data/hard')!.data?.toString()], ['file', 0o640, 'f']);
  assert.equal(by.get('./etc/')!.mode, 0o555);
  assert.equal(by.get('./etc/passwd')!.mode, 0o600);
  assert.equal(by.get('./dev-null')!.type, 'character-device');
  assert.equal(by.get('./fifo')!.type, 'fifo');
  assert.equal(by.get('./link')!.linkname, '/etc/passwd');
  assert.deepEqual([by.get('./new')!.uid, by.get('./new')!.uname], [0, '']);
  for (const e of entries) assert.equal(e.mtime, 315532800);

  for (const [bad, re] of [
    [[{ name: '../escape', type: 'file', data: 'x' }], /outside it/],
    [[{ name: 'a', type: 'sym', link: '/etc' }, { name: 'a/b', type: 'file', data: 'x' }], /below a, which is not a directory/],
    [[{ name: 'h', type: 'hard', link: 'missing' }], /hard link/],
  ] as const) {
    await assert.rejects(extractVmLayer(pyTar(bad as unknown as object[]), path.join(fs.mkdtempSync(path.join(tmp, 'vmbad-')), 'root')), (err: unknown) => err instanceof VmLayerError && re.test((err as Error).message));
  }
});

test('tarIndex: owners, modes and device numbers; a tar inside a file by byte range', async () => {
  const inner = pyTar([
    { name: 'f', type: 'file', data: 'abc', uid: 7, gid: 8, mode: 0o4711 },
    { name: 'd', type: 'chr', major: 4, minor: 5 },
  ]);
  const bytes = fs.readFileSync(inner);
  const outer = path.join(tmp, 'outer.bin');
  fs.writeFileSync(outer, Buffer.concat([Buffer.alloc(1234, 1), bytes, Buffer.alloc(99, 2)]));
  const ms = await indexTar(outer, { offset: 1234, size: bytes.length });
  assert.deepEqual(
    ms.map((m) => [m.name, m.type, m.uid, m.gid, m.mode, m.devmajor, m.devminor]),
    [
      ['f', '0', 7, 8, 0o4711, 0, 0],
      ['d', '3', 0, 0, 0o644, 4, 5],
    ],
  );
  assert.equal(fs.readFileSync(outer).subarray(ms[0]!.offset, ms[0]!.offset + 3).toString(), 'abc');
});
