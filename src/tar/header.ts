// Tar header blocks, byte for byte as two reference writers produce them.
//
// python-pax: CPython's tarfile in PAX_FORMAT (its default), as
//   `TarFile.addfile` writes a member. ustar block with magic "ustar\0" "00";
//   numbers as tarfile's itn(): width-1 octal digits and a NUL; checksum
//   "%06o\0 "; devmajor/devminor empty (all NUL) except for devices; names
//   and link targets over 100 bytes, any non-ASCII name, uname/gname over 32
//   bytes and numbers out of octal range go into a preceding "././@PaxHeader"
//   'x' entry (records in tarfile's order, its length computation, and
//   "hdrcharset=BINARY" first when a value is not valid UTF-8). The ustar
//   block itself is encoded ascii/replace (one '?' per code point) and
//   truncated to the field; overflowed numbers are written as 0.
// gnu: GNU tar 1.34 `--format=gnu`. Magic "ustar  \0"; the same octal fields,
//   base-256 (0x80 prefix) for values out of octal range; names and link
//   targets over 100 bytes go into "././@LongLink" 'K' (link) then 'L' (name)
//   entries (mode 0644, owner 0/0, mtime 0) and are truncated in the block;
//   uname/gname truncated to 31 bytes.

import { isUtf8 } from 'node:buffer';
import { asciiReplace, isAscii } from './pystr.ts';

export const BLOCK_SIZE = 512;
/** Both writers pad an archive to a multiple of 20 blocks (tar's default blocking factor). */
export const RECORD_SIZE = 20 * BLOCK_SIZE;

export type Dialect = 'python-pax' | 'gnu';
export type EntryType = 'file' | 'directory' | 'symlink' | 'fifo' | 'char' | 'block';

/** One archive member's metadata. */
export interface TarHeader {
  /** Raw bytes (file names need not be UTF-8) or a string (written as UTF-8). A directory gets a trailing `/` when it has none. */
  name: Uint8Array | string;
  type: EntryType;
  /** Only `mode & 0o7777` is written. */
  mode: number;
  /** Content length in bytes; 0 for everything but files. */
  size: number;
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Symlink target. */
  linkname?: Uint8Array | string;
  /** Device numbers, written for 'char' and 'block' entries only. */
  devmajor?: number;
  devminor?: number;
}

export interface HeaderOptions {
  dialect: Dialect;
  /**
   * gnu only: uname and gname of `././@LongLink` entries. GNU tar writes the
   * name of uid/gid 0 there ("root") unless `--numeric-owner` (""). Default "".
   */
  longLinkOwner?: string;
  /**
   * gnu only: gname of `././@LongLink` entries when it differs from uname (GNU tar
   * looks uid 0 and gid 0 up separately; a system without a group database gives "").
   * Default: longLinkOwner.
   */
  longLinkGroup?: string;
}

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const TYPEFLAG: Record<EntryType, number> = {
  file: 0x30,
  symlink: 0x32,
  char: 0x33,
  block: 0x34,
  directory: 0x35,
  fifo: 0x36,
};
const PAX_TYPE = 0x78; // 'x'
const LONGNAME_TYPE = 0x4c; // 'L'
const LONGLINK_TYPE = 0x4b; // 'K'
const POSIX_MAGIC = Buffer.from('ustar\x0000', 'latin1');
const GNU_MAGIC = Buffer.from('ustar  \x00', 'latin1');
const PAX_NAME = Buffer.from('././@PaxHeader', 'latin1');
const LONGLINK_NAME = Buffer.from('././@LongLink', 'latin1');
const EMPTY = new Uint8Array(0);
const SLASH = 0x2f;

/** The fields of one 512-byte block, already in their final form except numbers. */
interface Block {
  name: Uint8Array;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: number;
  linkname: Uint8Array;
  magic: Buffer;
  uname: Uint8Array;
  gname: Uint8Array;
  /** null: the device fields stay empty. */
  dev: [number, number] | null;
}

/** What a member is written as: extension entries (pax or LongLink), then its own block. */
interface Encoded {
  extensions: Block[];
  payloads: Uint8Array[];
  block: Block;
}

const utf8 = (v: Uint8Array | string): Uint8Array =>
  typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

const padded = (n: number): number => Math.ceil(n / BLOCK_SIZE) * BLOCK_SIZE;

function memberName(h: TarHeader): Uint8Array {
  const name = utf8(h.name);
  if (h.type !== 'directory' || name[name.length - 1] === SLASH) return name;
  const withSlash = new Uint8Array(name.length + 1);
  withSlash.set(name);
  withSlash[name.length] = SLASH;
  return withSlash;
}

/** The member name for messages. */
export function displayName(h: TarHeader): string {
  return Buffer.from(utf8(h.name)).toString('utf8');
}

function checkNumbers(h: TarHeader): void {
  for (const key of ['mode', 'size', 'mtime', 'uid', 'gid'] as const) {
    if (!Number.isSafeInteger(h[key])) {
      throw new TarError(`tar member ${displayName(h)}: ${key} must be an integer, got ${h[key]}`);
    }
  }
  if (h.size < 0 || h.uid < 0 || h.gid < 0) {
    throw new TarError(`tar member ${displayName(h)}: size, uid and gid must not be negative`);
  }
  if (h.type !== 'file' && h.size !== 0) {
    throw new TarError(`tar member ${displayName(h)}: only files have a size`);
  }
}

const fitsOctal = (v: number, width: number): boolean => v >= 0 && v < 8 ** (width - 1);

/** One pax record "<len> <keyword>=<value>\n", with tarfile's self-referential length. */
function paxRecord(keyword: string, value: Uint8Array): Buffer {
  const l = keyword.length + value.length + 3;
  let p = 0;
  for (;;) {
    const n = l + String(p).length;
    if (n === p) break;
    p = n;
  }
  return Buffer.concat([Buffer.from(`${p} ${keyword}=`, 'latin1'), value, Buffer.from('\n')]);
}

function encodePython(h: TarHeader): Encoded {
  const name = memberName(h);
  const linkname = utf8(h.linkname ?? EMPTY);
  const uname = utf8(h.uname);
  const gname = utf8(h.gname);
  const pax: Array<[string, Uint8Array]> = [];
  const strings: Array<[string, Uint8Array, number]> = [
    ['path', name, 100],
    ['linkpath', linkname, 100],
    ['uname', uname, 32],
    ['gname', gname, 32],
  ];
  for (const [keyword, value, length] of strings) {
    if (!isAscii(value) || value.length > length) pax.push([keyword, value]);
  }
  const numbers = { uid: h.uid, gid: h.gid, size: h.size, mtime: h.mtime };
  for (const [keyword, width] of [['uid', 8], ['gid', 8], ['size', 12], ['mtime', 12]] as const) {
    if (!fitsOctal(numbers[keyword], width)) {
      pax.push([keyword, Buffer.from(String(numbers[keyword]), 'latin1')]);
      numbers[keyword] = 0;
    }
  }
  const block: Block = {
    name: asciiReplace(name),
    mode: h.mode & 0o7777,
    ...numbers,
    typeflag: TYPEFLAG[h.type],
    linkname: asciiReplace(linkname),
    magic: POSIX_MAGIC,
    uname: asciiReplace(uname),
    gname: asciiReplace(gname),
    dev: device(h),
  };
  if (pax.length === 0) return { extensions: [], payloads: [], block };

  const records: Buffer[] = [];
  if (pax.some(([, value]) => !isUtf8(value))) records.push(Buffer.from('21 hdrcharset=BINARY\n'));
  for (const [keyword, value] of pax) records.push(paxRecord(keyword, value));
  const payload = Buffer.concat(records);
  const paxBlock: Block = {
    name: PAX_NAME,
    mode: 0,
    uid: 0,
    gid: 0,
    size: payload.length,
    mtime: 0,
    typeflag: PAX_TYPE,
    linkname: EMPTY,
    magic: POSIX_MAGIC,
    uname: EMPTY,
    gname: EMPTY,
    dev: null,
  };
  return { extensions: [paxBlock], payloads: [payload], block };
}

function encodeGnu(h: TarHeader, longLinkOwner: string, longLinkGroup: string): Encoded {
  if (h.mtime < 0) throw new TarError(`tar member ${displayName(h)}: negative mtime`);
  const name = memberName(h);
  const linkname = utf8(h.linkname ?? EMPTY);
  const owner = utf8(longLinkOwner);
  const group = utf8(longLinkGroup);
  const extensions: Block[] = [];
  const payloads: Uint8Array[] = [];
  const longEntry = (value: Uint8Array, typeflag: number): void => {
    const payload = new Uint8Array(value.length + 1);
    payload.set(value);
    payloads.push(payload);
    extensions.push({
      name: LONGLINK_NAME,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: payload.length,
      mtime: 0,
      typeflag,
      linkname: EMPTY,
      magic: GNU_MAGIC,
      uname: owner.subarray(0, 31),
      gname: group.subarray(0, 31),
      dev: null,
    });
  };
  if (linkname.length > 100) longEntry(linkname, LONGLINK_TYPE);
  if (name.length > 100) longEntry(name, LONGNAME_TYPE);
  const block: Block = {
    name,
    mode: h.mode & 0o7777,
    uid: h.uid,
    gid: h.gid,
    size: h.size,
    mtime: h.mtime,
    typeflag: TYPEFLAG[h.type],
    linkname,
    magic: GNU_MAGIC,
    uname: utf8(h.uname).subarray(0, 31),
    gname: utf8(h.gname).subarray(0, 31),
    dev: device(h),
  };
  return { extensions, payloads, block };
}

function device(h: TarHeader): [number, number] | null {
  if (h.type !== 'char' && h.type !== 'block') return null;
  return [h.devmajor ?? 0, h.devminor ?? 0];
}

function encode(h: TarHeader, opts: HeaderOptions): Encoded {
  checkNumbers(h);
  return opts.dialect === 'gnu' ? encodeGnu(h, opts.longLinkOwner ?? '', opts.longLinkGroup ?? opts.longLinkOwner ?? '') : encodePython(h);
}

function writeNumber(buf: Buffer, off: number, width: number, v: number, gnu: boolean): void {
  if (fitsOctal(v, width)) {
    buf.write(v.toString(8).padStart(width - 1, '0'), off, width - 1, 'latin1');
    buf[off + width - 1] = 0;
    return;
  }
  if (!gnu || v < 0 || v >= 256 ** (width - 1)) throw new TarError(`number out of range: ${v}`);
  buf[off] = 0x80;
  for (let i = width - 1; i >= 1; i--) {
    buf[off + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

function writeBlock(buf: Buffer, off: number, b: Block): void {
  const gnu = b.magic === GNU_MAGIC;
  buf.fill(0, off, off + BLOCK_SIZE);
  buf.set(b.name.subarray(0, 100), off);
  writeNumber(buf, off + 100, 8, b.mode, gnu);
  writeNumber(buf, off + 108, 8, b.uid, gnu);
  writeNumber(buf, off + 116, 8, b.gid, gnu);
  writeNumber(buf, off + 124, 12, b.size, gnu);
  writeNumber(buf, off + 136, 12, b.mtime, gnu);
  buf[off + 156] = b.typeflag;
  buf.set(b.linkname.subarray(0, 100), off + 157);
  buf.set(b.magic, off + 257);
  buf.set(b.uname.subarray(0, 32), off + 265);
  buf.set(b.gname.subarray(0, 32), off + 297);
  if (b.dev) {
    writeNumber(buf, off + 329, 8, b.dev[0], gnu);
    writeNumber(buf, off + 337, 8, b.dev[1], gnu);
  }
  let sum = 8 * 0x20; // the checksum field counts as spaces
  for (let i = off; i < off + 148; i++) sum += buf[i]!;
  for (let i = off + 156; i < off + BLOCK_SIZE; i++) sum += buf[i]!;
  buf.write(`${sum.toString(8).padStart(6, '0')}\x00 `, off + 148, 8, 'latin1');
}

function encodedSize(e: Encoded): number {
  let n = BLOCK_SIZE;
  for (const p of e.payloads) n += BLOCK_SIZE + padded(p.length);
  return n;
}

function writeEncoded(buf: Buffer, off: number, e: Encoded): number {
  const start = off;
  e.extensions.forEach((ext, i) => {
    const payload = e.payloads[i]!;
    writeBlock(buf, off, ext);
    off += BLOCK_SIZE;
    buf.set(payload, off);
    buf.fill(0, off + payload.length, off + padded(payload.length));
    off += padded(payload.length);
  });
  writeBlock(buf, off, e.block);
  return off + BLOCK_SIZE - start;
}

/** Bytes `encodeHeader` returns for `h`: 512, plus the extension entries it needs. */
export function headerSize(h: TarHeader, opts: HeaderOptions): number {
  return encodedSize(encode(h, opts));
}

/**
 * Writes the header of `h` (extension entries included) into `buf` at `off`
 * and returns the bytes written. `buf` needs `headerSize(h)` bytes of room.
 */
export function writeHeader(buf: Buffer, off: number, h: TarHeader, opts: HeaderOptions): number {
  return writeEncoded(buf, off, encode(h, opts));
}

/** The header of `h` as its own buffer (a multiple of 512 bytes). */
export function encodeHeader(h: TarHeader, opts: HeaderOptions): Buffer {
  const e = encode(h, opts);
  const buf = Buffer.allocUnsafe(encodedSize(e));
  writeEncoded(buf, 0, e);
  return buf;
}

/** Zero bytes that follow `size` bytes of content to the next block boundary. */
export function paddingSize(size: number): number {
  return padded(size) - size;
}

/**
 * Bytes that close an archive of `written` bytes: two zero blocks, then zeros
 * up to a multiple of RECORD_SIZE. Python's TarFile.close() and GNU tar's
 * end-of-archive give the same length.
 */
export function endOfArchiveSize(written: number): number {
  const n = written + 2 * BLOCK_SIZE;
  return 2 * BLOCK_SIZE + ((RECORD_SIZE - (n % RECORD_SIZE)) % RECORD_SIZE);
}
