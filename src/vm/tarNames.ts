// Member names and types of a tar stream, as raw bytes (names need not be
// UTF-8, and the VM must remove exactly the files a whiteout names). Reads
// ustar (with prefix), GNU long names/links and pax `path`; skips data.

import { headerChecksumOk, paxRecords, readNumber, TarFormatError } from '../tar/parse.ts';

export interface TarName {
  name: Buffer;
  /** The typeflag: '0' file, '1' hard link, '2' symlink, '5' directory, ... */
  type: string;
}

export { TarFormatError };

const BLOCK = 512;

class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly it: AsyncIterator<Buffer>;
  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }
  private async more(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }
  /** Exactly n bytes, or null at the end of the stream (before any byte). */
  async read(n: number): Promise<Buffer | null> {
    while (this.buf.length < n) {
      if (!(await this.more())) {
        if (this.buf.length === 0) return null;
        throw new TarFormatError('truncated tar');
      }
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async skip(n: number): Promise<void> {
    while (n > 0) {
      if (this.buf.length === 0 && !(await this.more())) throw new TarFormatError('truncated tar');
      const k = Math.min(n, this.buf.length);
      this.buf = this.buf.subarray(k);
      n -= k;
    }
  }
}

function cstr(b: Buffer): Buffer {
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}

function paxPath(data: Buffer): Buffer | undefined {
  return paxRecords(data).get('path');
}

/**
 * Yields every member of the tar stream (extension headers folded in). `status.terminated`
 * tells afterwards whether the archive ended with a zero block (not just the stream).
 */
export async function* tarNames(
  source: AsyncIterable<Buffer>,
  status: { terminated: boolean } = { terminated: false },
): AsyncGenerator<TarName> {
  const r = new Reader(source);
  let longName: Buffer | undefined;
  let paxName: Buffer | undefined;
  status.terminated = false;
  for (;;) {
    const h = await r.read(BLOCK);
    if (h === null) return;
    if (h.every((b) => b === 0)) {
      status.terminated = true;
      return;
    }
    if (!headerChecksumOk(h)) throw new TarFormatError('bad tar header checksum');
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const size = readNumber(h.subarray(124, 136));
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      if (size > 1 << 20) throw new TarFormatError('oversized tar extension header');
      const data = Buffer.from((await r.read(padded)) ?? Buffer.alloc(0)).subarray(0, size);
      if (type === 'L') longName = cstr(data);
      else paxName = paxPath(data) ?? paxName;
      continue;
    }
    await r.skip(padded);
    if (type === 'K' || type === 'g') continue;
    const magic = h.toString('latin1', 257, 263);
    const prefix = magic === 'ustar\0' ? cstr(h.subarray(345, 500)) : Buffer.alloc(0);
    const plain = cstr(h.subarray(0, 100));
    const name =
      paxName ?? longName ?? (prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), plain]) : Buffer.from(plain));
    yield { name, type };
    longName = paxName = undefined;
  }
}
