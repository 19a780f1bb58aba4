// Where each member of a tar file lives, without extracting anything: fromImage
// archives are hostile input, so their names are only ever used as lookup keys and
// their bytes are copied by range. Reads ustar, GNU long names and pax `path`.

import fs from 'node:fs/promises';
import { headerChecksumOk, paxRecords, readNumber } from '../tar/parse.ts';

export interface TarMember {
  name: string;
  type: string;
  linkname: string;
  offset: number; // of the data
  size: number;
  /** Permission bits and owner as the header (or its pax record) gives them. */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Device numbers of char ('3') and block ('4') members; 0 otherwise. */
  devmajor: number;
  devminor: number;
}

/** A part of a file holding a tar (a layer inside a docker-archive). */
export interface ByteRange {
  offset: number;
  size: number;
}

const BLOCK = 512;

/**
 * How names, link targets and owner names are decoded: 'utf8' (default), or 'latin1',
 * one character per byte, for callers that must write the exact bytes back (exportImage).
 */
export interface IndexOptions {
  text?: 'utf8' | 'latin1';
}

function field(buf: Buffer, start: number, len: number, text: BufferEncoding = 'utf8'): string {
  const raw = buf.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? len : nul).toString(text);
}

function octal(buf: Buffer, start: number, len: number): number {
  return readNumber(buf.subarray(start, start + len));
}

/** Lists the members of an uncompressed tar file (or of the tar at `range` inside it). */
export async function indexTar(file: string, range?: ByteRange, opts: IndexOptions = {}): Promise<TarMember[]> {
  const text = opts.text ?? 'utf8';
  const fh = await fs.open(file, 'r');
  try {
    const fileSize = range ? range.offset + range.size : (await fh.stat()).size;
    const members: TarMember[] = [];
    const header = Buffer.alloc(BLOCK);
    let pos = range?.offset ?? 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax = new Map<string, string>();
    const readData = async (offset: number, size: number): Promise<Buffer> => {
      if (size > 1 << 20) throw new Error('tar: oversized metadata entry');
      const b = Buffer.alloc(size);
      await fh.read(b, 0, size, offset);
      return b;
    };
    while (pos + BLOCK <= fileSize) {
      await fh.read(header, 0, BLOCK, pos);
      if (header.every((b) => b === 0)) break;
      if (!headerChecksumOk(header)) throw new Error(`tar: bad header checksum at offset ${pos}`);
      const type = String.fromCharCode(header[156]!) || '0';
      const size = octal(header, 124, 12);
      const dataOffset = pos + BLOCK;
      if (dataOffset + size > fileSize) throw new Error('tar: truncated archive');
      pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L') {
        longName = (await readData(dataOffset, size)).toString(text).replace(/\0+$/, '');
        continue;
      }
      if (type === 'K') {
        longLink = (await readData(dataOffset, size)).toString(text).replace(/\0+$/, '');
        continue;
      }
      if (type === 'x') {
        pax = new Map([...paxRecords(await readData(dataOffset, size))].map(([k, v]) => [k, v.toString(text)]));
        continue;
      }
      if (type === 'g') continue;
      const magic = header.subarray(257, 263).toString('latin1');
      const prefix = magic.startsWith('ustar') && magic !== 'ustar ' ? field(header, 345, 155, text) : '';
      let name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100, text)}` : field(header, 0, 100, text));
      const linkname = pax.get('linkpath') ?? longLink ?? field(header, 157, 100, text);
      const realSize = pax.has('size') ? Number(pax.get('size')) : size;
      if (realSize !== size) throw new Error('tar: pax size differs from header size');
      name = name.replace(/^(\.\/)+/, '');
      const num = (key: string, start: number, len: number): number => (pax.has(key) ? Number(pax.get(key)) : octal(header, start, len));
      members.push({
        name,
        type: type === '\0' ? '0' : type,
        linkname,
        offset: dataOffset,
        size,
        mode: octal(header, 100, 8) & 0o7777,
        uid: num('uid', 108, 8),
        gid: num('gid', 116, 8),
        uname: pax.get('uname') ?? field(header, 265, 32, text),
        gname: pax.get('gname') ?? field(header, 297, 32, text),
        devmajor: type === '3' || type === '4' ? octal(header, 329, 8) : 0,
        devminor: type === '3' || type === '4' ? octal(header, 337, 8) : 0,
      });
      longName = longLink = undefined;
      pax = new Map();
    }
    return members;
  } finally {
    await fh.close();
  }
}
