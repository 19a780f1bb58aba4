// Tar headers as Go's archive/tar writes them for the members skopeo puts in a
// docker-archive (containers/image `tar.FileInfoHeader` of a synthetic FileInfo: mode
// 0444 for files and 0 for symlinks, uid/gid 0, no user or group names, mtime 0).
//
// Go's USTAR header (checked byte for byte against skopeo 1.9's output):
//   name (100, NUL-padded) · mode `0000444\0` · uid `0000000\0` · gid `0000000\0` ·
//   size 11 octal digits + NUL · mtime `00000000000\0` · checksum 6 octal digits + NUL +
//   space · typeflag · linkname (100) · `ustar\0` `00` · uname, gname (32 each, NUL) ·
//   devmajor `0000000\0` · devminor `0000000\0` · prefix (155, NUL) · 12 NUL.
// Data is padded with NULs to 512 bytes; the archive ends with two zero blocks and no
// padding to a 10 KiB record (Go writes none).
//
// A member too large for 11 octal digits (8 GiB and more) gets, as in Go, a PAX header
// first: member `PaxHeaders.0/<name>` (typeflag 'x', mode/uid/gid/mtime 0, no devmajor
// or devminor) holding the record `size=<n>`, and then the USTAR header with size 0.
// Member names here are fixed-length hex names (< 100 bytes), so no other PAX records arise.

export const BLOCK = 512;
const MAX_OCTAL_11 = 0o77777777777;

export type GoTarType = 'file' | 'symlink';

export interface GoTarEntry {
  name: string;
  type: GoTarType;
  size: number;
  linkname?: string;
  /** Permission bits (default 0444 for files, 0 for symlinks). */
  mode?: number;
}

/** Go's formatOctal: zero-padded to the field width less one, then NUL. */
function octal(block: Buffer, offset: number, width: number, value: number): void {
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar field of ${width} bytes cannot hold ${value}`);
  block.write(s.padStart(width - 1, '0'), offset, 'ascii');
  block[offset + width - 1] = 0;
}

function ascii(block: Buffer, offset: number, width: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > width) throw new Error(`tar member name '${value}' is longer than ${width} bytes`);
  bytes.copy(block, offset);
}

function checksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0'), 148, 'ascii');
  block[154] = 0;
  block[155] = 0x20;
}

function ustarMagic(block: Buffer): void {
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
}

/** The USTAR header block Go writes for `e`, with `size` in it (0 when a PAX record carries it). */
function ustarHeader(e: GoTarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  ascii(block, 0, 100, e.name);
  octal(block, 100, 8, e.mode ?? (e.type === 'file' ? 0o444 : 0));
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0);
  block[156] = e.type === 'file' ? 0x30 : 0x32;
  ascii(block, 157, 100, e.linkname ?? '');
  ustarMagic(block);
  octal(block, 329, 8, 0);
  octal(block, 337, 8, 0);
  checksum(block);
  return block;
}

/** A PAX record: `<len> key=value\n`, where len counts the whole record, itself included. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

/** The header bytes Go writes before the data of `e` (one block, or three with a PAX size record). */
export function goTarHeader(e: GoTarEntry): Buffer {
  if (e.size <= MAX_OCTAL_11) return ustarHeader(e, e.size);
  const data = Buffer.from(paxRecord('size', String(e.size)), 'ascii');
  const slash = e.name.lastIndexOf('/');
  const paxName = `${slash >= 0 ? e.name.slice(0, slash + 1) : ''}PaxHeaders.0/${e.name.slice(slash + 1)}`.slice(0, 100).replace(/\/+$/, '');
  const pax = Buffer.alloc(BLOCK);
  ascii(pax, 0, 100, paxName);
  octal(pax, 100, 8, 0);
  octal(pax, 108, 8, 0);
  octal(pax, 116, 8, 0);
  octal(pax, 124, 12, data.length);
  octal(pax, 136, 12, 0);
  pax[156] = 0x78; // 'x'
  ustarMagic(pax);
  checksum(pax);
  return Buffer.concat([pax, data, padding(data.length), ustarHeader(e, 0)]);
}

/** The size of the header `goTarHeader` gives for a member of `size` bytes. */
export function goTarHeaderSize(size: number): number {
  return size <= MAX_OCTAL_11 ? BLOCK : 3 * BLOCK;
}

/** NULs to the next 512-byte boundary after `size` bytes of data. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Go's Writer.Close: two zero blocks. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}
