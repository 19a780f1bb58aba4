// The header encoder against its references: CPython's TarInfo.tobuf() for
// python-pax (run here through test/fixtures/tar/python_tarfile.py), and the
// Python string semantics (sorting, ascii/replace) it relies on.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  encodeHeader,
  endOfArchiveSize,
  headerSize,
  TarError,
  type TarHeader,
} from '../src/tar/index.ts';
import { asciiReplace, comparePythonNames } from '../src/tar/pystr.ts';

const PY_TARFILE = fileURLToPath(new URL('fixtures/tar/python_tarfile.py', import.meta.url));

const TYPE_LETTER = { file: '0', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };

const bytes = (v: Uint8Array | string): Buffer => (typeof v === 'string' ? Buffer.from(v) : Buffer.from(v));

function pythonHeaders(headers: TarHeader[]): Buffer[] {
  const members = headers.map((h) => ({
    name_hex: bytes(h.name).toString('hex'),
    type: TYPE_LETTER[h.type],
    mode: h.mode,
    size: h.size,
    mtime: h.mtime,
    uid: h.uid,
    gid: h.gid,
    uname: h.uname,
    gname: h.gname,
    ...(h.linkname === undefined ? {} : { linkname_hex: bytes(h.linkname).toString('hex') }),
    ...(h.devmajor === undefined ? {} : { devmajor: h.devmajor, devminor: h.devminor }),
  }));
  const out = execFileSync('python3', [PY_TARFILE, 'headers'], { input: JSON.stringify(members) });
  return (JSON.parse(out.toString()) as string[]).map((hex) => Buffer.from(hex, 'hex'));
}

const base: TarHeader = {
  name: 'nix/store/abc-x/file',
  type: 'file',
  mode: 0o644,
  size: 5,
  mtime: 1,
  uid: 0,
  gid: 0,
  uname: 'root',
  gname: 'root',
};
const h = (over: Partial<TarHeader>): TarHeader => ({ ...base, ...over });
const raw = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

const CASES: Array<[string, TarHeader]> = [
  ['plain file', base],
  ['file mode with type and setuid bits', h({ mode: 0o104755 })],
  ['directory gets a slash', h({ name: '/nix/store', type: 'directory', mode: 0o755, size: 0 })],
  ['directory that has one', h({ name: 'dir/', type: 'directory', size: 0 })],
  ['name of exactly 100 bytes', h({ name: `/${'n'.repeat(99)}` })],
  ['name of 101 bytes', h({ name: `/${'n'.repeat(100)}` })],
  ['directory name reaching 100 with its slash', h({ name: 'd'.repeat(99), type: 'directory', size: 0 })],
  ['directory name reaching 101 with its slash', h({ name: 'd'.repeat(100), type: 'directory', size: 0 })],
  ['very long name', h({ name: `/nix/store/${'segment/'.repeat(140)}end` })],
  ['non-ASCII name', h({ name: '/nix/store/x/héllo/ü😀Ａ' })],
  ['non-UTF-8 name', h({ name: raw('/nix/store/x/raw-', [0xff, 0xfe], '-name') })],
  ['truncated UTF-8 sequence', h({ name: raw('a', [0xe2, 0x82], 'b', [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98]) })],
  ['symlink', h({ type: 'symlink', size: 0, mode: 0o777, linkname: '../target' })],
  ['symlink target of 100 bytes', h({ type: 'symlink', size: 0, linkname: 't'.repeat(100) })],
  ['symlink target of 101 bytes', h({ type: 'symlink', size: 0, linkname: 't'.repeat(101) })],
  ['non-ASCII symlink target', h({ type: 'symlink', size: 0, linkname: 'zié' })],
  [
    'non-UTF-8 target and long name',
    h({ name: `/${'n'.repeat(120)}`, type: 'symlink', size: 0, linkname: raw([0x80], 'x') }),
  ],
  ['uname of 32 bytes', h({ uname: 'u'.repeat(32), gname: 'g'.repeat(32) })],
  ['uname of 33 bytes', h({ uname: 'u'.repeat(33), gname: 'g'.repeat(40) })],
  ['non-ASCII owner names', h({ uname: 'jürgen', gname: 'grüppe' })],
  ['empty owner names', h({ uname: '', gname: '' })],
  ['largest octal uid/gid', h({ uid: 8 ** 7 - 1, gid: 8 ** 7 - 1 })],
  ['uid/gid beyond octal', h({ uid: 8 ** 7, gid: 3_000_000_000 })],
  ['largest octal size', h({ size: 8 ** 11 - 1 })],
  ['size beyond octal (8 GiB)', h({ size: 8 ** 11 })],
  ['mtime beyond octal', h({ mtime: 8 ** 11 + 5 })],
  ['negative mtime', h({ mtime: -1 })],
  ['zero mtime', h({ mtime: 0 })],
  ['everything overflowing at once', h({ name: 'é'.repeat(60), uid: 8 ** 8, gid: 8 ** 9, size: 8 ** 12, mtime: -86400, uname: 'ü', gname: 'x'.repeat(50) })],
  ['fifo', h({ type: 'fifo', size: 0 })],
  ['char device', h({ type: 'char', size: 0, devmajor: 1, devminor: 3 })],
  ['whiteout char device', h({ type: 'char', size: 0, mode: 0, devmajor: 0, devminor: 0 })],
  ['block device', h({ type: 'block', size: 0, devmajor: 7, devminor: 200 })],
];

// Pax record lengths around the points where the length prefix gains a digit.
for (const k of [
  ...Array.from({ length: 16 }, (_, i) => 84 + i),
  ...Array.from({ length: 16 }, (_, i) => 980 + i),
]) {
  CASES.push([`pax record near a digit boundary (${k})`, h({ name: `é${'x'.repeat(k)}` })]);
}

test('python-pax headers equal CPython tarfile.TarInfo.tobuf()', () => {
  const expected = pythonHeaders(CASES.map(([, hdr]) => hdr));
  CASES.forEach(([what, hdr], i) => {
    const got = encodeHeader(hdr, { dialect: 'python-pax' });
    assert.equal(got.toString('hex'), expected[i]!.toString('hex'), what);
    assert.equal(headerSize(hdr, { dialect: 'python-pax' }), got.length, `${what}: headerSize`);
  });
});

test('python-pax writes the fields the design relies on', () => {
  const got = encodeHeader(h({ name: '/nix/', type: 'directory', mode: 0o755, size: 0 }), {
    dialect: 'python-pax',
  });
  assert.equal(got.length, 512);
  assert.equal(got.subarray(0, 6).toString(), '/nix/\0');
  assert.equal(got.subarray(100, 108).toString('latin1'), '0000755\0');
  assert.equal(got.subarray(257, 265).toString('latin1'), 'ustar\x0000');
  assert.equal(got.subarray(329, 345).toString('hex'), '00'.repeat(16), 'devmajor/devminor empty');
  assert.match(got.subarray(148, 156).toString('latin1'), /^[0-7]{6}\0 $/);
});

test('gnu headers: magic, LongLink entries and base-256 numbers', () => {
  const long = `./${'n'.repeat(120)}`;
  const got = encodeHeader(h({ name: long, type: 'symlink', size: 0, linkname: 'l'.repeat(101), uid: 8 ** 7 }), {
    dialect: 'gnu',
  });
  // K entry (+1 block of payload), L entry (+1 block), the member.
  assert.equal(got.length, 5 * 512);
  assert.equal(got.subarray(0, 14).toString('latin1'), '././@LongLink\0');
  assert.equal(String.fromCharCode(got[156]!), 'K');
  assert.equal(String.fromCharCode(got[1024 + 156]!), 'L');
  assert.equal(got.subarray(1536, 1536 + long.length + 1).toString(), `${long}\0`);
  const member = got.subarray(2048);
  assert.equal(member.subarray(257, 265).toString('latin1'), 'ustar  \0');
  assert.equal(member.subarray(0, 100).toString(), long.slice(0, 100));
  assert.equal(member.subarray(108, 116).toString('hex'), '8000000000200000');
});

test('invalid numbers are refused, naming the member', () => {
  assert.throws(() => encodeHeader(h({ mtime: 1.5 }), { dialect: 'python-pax' }), TarError);
  assert.throws(() => encodeHeader(h({ uid: -1 }), { dialect: 'python-pax' }), /uid/);
  assert.throws(() => encodeHeader(h({ type: 'directory', size: 3 }), { dialect: 'gnu' }), /size/);
  assert.throws(() => encodeHeader(h({ mtime: -1 }), { dialect: 'gnu' }), /negative mtime/);
});

test('end of archive: two zero blocks, then up to a 10240-byte record', () => {
  assert.equal(endOfArchiveSize(0), 10240);
  assert.equal(endOfArchiveSize(512), 9728);
  assert.equal(endOfArchiveSize(8704), 1536);
  assert.equal(endOfArchiveSize(9216), 1024);
  assert.equal(endOfArchiveSize(9728), 10752, 'one block left: a new record');
  assert.equal(endOfArchiveSize(10240), 10240);
});

test('Python string semantics: pathlib order and ascii/replace', () => {
  const names: Buffer[] = [
    raw('a'),
    raw('a-c'),
    raw('a.b'),
    raw('a0'),
    raw('B'),
    raw('_'),
    raw('é'),
    raw('Ａ'), // U+FF21: sorts before U+1F600 by code point, after it in UTF-16
    raw('😀'),
    raw('\u{d7ff}'),
    raw('\u{e000}'),
    raw([0x80]), // escapes to U+DC80: after U+D7FF, before U+E000
    raw([0xff]),
    raw('x', [0xc3]),
    raw('x', [0xc3, 0xa9]),
    raw('x'),
  ];
  const script = [
    'import os, sys, json',
    'names = [os.fsdecode(bytes.fromhex(h)) for h in json.load(sys.stdin)]',
    'print(json.dumps({"sorted": [os.fsencode(n).hex() for n in sorted(names)],',
    '  "ascii": [n.encode("ascii", "replace").hex() for n in names]}))',
  ].join('\n');
  const out = JSON.parse(
    execFileSync('python3', ['-c', script], { input: JSON.stringify(names.map((n) => n.toString('hex'))) }).toString(),
  ) as { sorted: string[]; ascii: string[] };
  const ours = [...names].sort(comparePythonNames).map((n) => n.toString('hex'));
  assert.deepEqual(ours, out.sorted);
  assert.deepEqual(
    names.map((n) => Buffer.from(asciiReplace(n)).toString('hex')),
    out.ascii,
  );
});
