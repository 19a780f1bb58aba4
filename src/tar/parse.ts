// Reading tar headers (ustar, GNU base-256, pax records): shared by the readers of
// archives we did not write (fromImage, the runAsRoot VM's output).

export const HEADER_BLOCK = 512;

export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

/** A numeric header field: octal text, or GNU base-256 when the high bit is set. */
export function readNumber(field: Buffer): number {
  if (field[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const s = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`bad octal field '${s}'`);
  return parseInt(s, 8);
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
export function headerChecksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < HEADER_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === readNumber(h.subarray(148, 156));
}

/** The records of a pax extended header, values as raw bytes. */
export function paxRecords(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp === -1) break;
    const len = parseInt(data.toString('latin1', pos, sp), 10);
    if (!(len > 0) || pos + len > data.length) throw new TarFormatError('bad pax record');
    const rec = data.subarray(sp + 1, pos + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.toString('latin1', 0, eq), Buffer.from(rec.subarray(eq + 1)));
    pos += len;
  }
  return out;
}
