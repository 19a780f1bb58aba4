// Splits a zstd stream into its frames (RFC 8878 §3.1). Our archives are many frames
// (one per block, for parallel compression), and Node's zstd decoder stops or fails at
// some frame boundaries; decoding frame by frame sidesteps that, and lets frames
// decompress in parallel. Skippable frames are dropped.

const ZSTD_MAGIC = 0xfd2fb528;

/** Length of the frame starting at `buf[0]`, or undefined when `buf` does not hold all of it yet. */
export function frameLength(buf: Buffer): number | undefined {
  if (buf.length < 8) return undefined;
  const magic = buf.readUInt32LE(0);
  if ((magic & 0xfffffff0) === 0x184d2a50) {
    const len = 8 + buf.readUInt32LE(4);
    return buf.length >= len ? len : undefined;
  }
  if (magic !== ZSTD_MAGIC) throw new Error('zstd: bad frame magic');
  const fhd = buf[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const checksum = (fhd >> 2) & 1;
  const didFlag = fhd & 3;
  if ((fhd >> 3) & 1) throw new Error('zstd: reserved bit set in frame header');
  let pos = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][didFlag]! + [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  for (;;) {
    if (buf.length < pos + 3) return undefined;
    const header = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new Error('zstd: reserved block type');
    pos += 3 + (type === 1 ? 1 : size);
    if (last) break;
  }
  pos += checksum ? 4 : 0;
  return buf.length >= pos ? pos : undefined;
}

/** Yields whole frames (zstd frames only) from a byte stream. */
export async function* zstdFrames(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    for (;;) {
      const len = frameLength(pending);
      if (len === undefined) break;
      const frame = pending.subarray(0, len);
      pending = pending.subarray(len);
      if (frame.readUInt32LE(0) === ZSTD_MAGIC) yield frame;
    }
  }
  if (pending.length > 0) throw new Error('zstd: truncated stream');
}
