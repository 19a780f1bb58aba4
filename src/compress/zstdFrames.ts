// Cuts a zstd byte stream at its frame ends (RFC 8878 §3.1), without holding a frame.
//
// Node's streaming zstd decoder (checked on Node 24.21) decodes the first frame of a
// chunk and then fails ("Unknown frame descriptor", or a premature close) on the bytes
// after its end when one chunk holds the end of a frame and more: multi-frame streams,
// ours included, break it. Fed chunks that never run past a frame end, it decodes any
// number of frames as one stream. So the stream is only cut, never buffered: a small
// state machine walks frame headers and block headers (a few bytes each) and skips over
// block contents, so each byte is looked at once however large the frame. Skippable
// frames pass through (the decoder skips them) and are cut at too.

const ZSTD_MAGIC = 0xfd2fb528;

type State =
  | { at: 'magic' } // 4 bytes
  | { at: 'frameHeader'; need: number } // descriptor and the fields it announces
  | { at: 'skippableLength' } // 4 bytes
  | { at: 'blockHeader'; checksum: boolean } // 3 bytes
  | { at: 'skip'; left: number; then: 'block' | 'checksum' | 'frameEnd' | 'skippableEnd'; checksum: boolean };

/** Yields the input's bytes in chunks that end wherever a frame ends (and elsewhere). */
export async function* zstdFrameChunks(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let state: State = { at: 'magic' };
  let head = Buffer.alloc(0); // the header being read (at most 18 bytes)
  for await (const raw of source) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let start = 0; // first byte of the chunk not yet passed on
    let pos = 0;
    const cut = function* (): Generator<Uint8Array> {
      if (pos > start) yield chunk.subarray(start, pos);
      start = pos;
    };
    while (pos < chunk.length) {
      if (state.at === 'skip') {
        const take = Math.min(state.left, chunk.length - pos);
        pos += take;
        state.left -= take;
        if (state.left > 0) break;
        if (state.then === 'block') state = { at: 'blockHeader', checksum: state.checksum };
        else if (state.then === 'checksum') state = { at: 'skip', left: 4, then: 'frameEnd', checksum: false };
        else {
          yield* cut();
          state = { at: 'magic' };
        }
        continue;
      }
      // A header: gather its bytes (they may straddle chunks).
      const want = state.at === 'magic' || state.at === 'skippableLength' ? 4 : state.at === 'blockHeader' ? 3 : state.need;
      const take = Math.min(want - head.length, chunk.length - pos);
      head = Buffer.concat([head, chunk.subarray(pos, pos + take)]);
      pos += take;
      if (head.length < want) break;
      if (state.at === 'magic') {
        const magic = head.readUInt32LE(0);
        head = Buffer.alloc(0);
        if ((magic & 0xfffffff0) === 0x184d2a50) {
          state = { at: 'skippableLength' };
          continue;
        }
        if (magic !== ZSTD_MAGIC) throw new Error('zstd: bad frame magic');
        state = { at: 'frameHeader', need: 1 };
        continue;
      }
      if (state.at === 'skippableLength') {
        const len = head.readUInt32LE(0);
        head = Buffer.alloc(0);
        state = { at: 'skip', left: len, then: 'skippableEnd', checksum: false };
        if (len === 0) {
          yield* cut();
          state = { at: 'magic' };
        }
        continue;
      }
      if (state.at === 'frameHeader') {
        const fhd = head[0]!;
        if ((fhd >> 3) & 1) throw new Error('zstd: reserved bit set in frame header');
        const singleSegment = (fhd >> 5) & 1;
        const full = 1 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6]!;
        if (head.length < full) {
          state = { at: 'frameHeader', need: full };
          continue;
        }
        head = Buffer.alloc(0);
        state = { at: 'blockHeader', checksum: ((fhd >> 2) & 1) === 1 };
        continue;
      }
      // A block header: last flag, type, size.
      const header = head[0]! | (head[1]! << 8) | (head[2]! << 16);
      head = Buffer.alloc(0);
      const type = (header >> 1) & 3;
      if (type === 3) throw new Error('zstd: reserved block type');
      const last = (header & 1) === 1;
      const size = type === 1 ? 1 : header >>> 3;
      const checksum: boolean = state.checksum;
      state = { at: 'skip', left: size, then: last ? (checksum ? 'checksum' : 'frameEnd') : 'block', checksum };
      if (size === 0 && last && !checksum) {
        yield* cut();
        state = { at: 'magic' };
      } else if (size === 0 && !last) state = { at: 'blockHeader', checksum };
      else if (size === 0) state = { at: 'skip', left: 4, then: 'frameEnd', checksum: false };
    }
    pos = chunk.length;
    yield* cut();
  }
  if (state.at !== 'magic' || head.length > 0) throw new Error('zstd: truncated stream');
}
