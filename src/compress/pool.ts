// Block compression on worker threads.
//
// Why not node:zlib's async functions on libuv's pool: measured on the 1.3 GB bench
// closure, they cost twice. (1) Their stream feeds a block with ZSTD_e_continue and ends
// the frame after, so libzstd runs its buffered ring (the slow extDict match finder,
// 330 against 443 MB/s one-pass) and the frames depend on node's chunk sizes. (2) Every
// block allocates its output room and a copy in the main isolate; that external memory
// set off ~50 full GCs of the main heap per build (~2 s of CPU on a 2-core machine).
// Here a worker compresses a block in one synchronous call with room for all of its
// output (one pass, the bytes fixed by input and level alone), and only the exact
// compressed bytes come back. Blocks live in SharedArrayBuffers the worker reads in
// place: moving a 4 MiB ArrayBuffer between isolates instead counts as a new external
// allocation each time it arrives, and that alone set off ~20 full GCs per build.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type Codec = 'gz' | 'zstd';

// An inline worker: no separate file to locate in the bundle. It keeps one compressor
// per codec and level and one output buffer, and drives node:zlib's handle directly
// (writeSync with the finishing flush, then reset for gzip), so a block allocates nothing but its
// exact result: a fresh context per block (zstdCompressSync) left ~100 MB of freed 4 MiB
// buffers in the workers' malloc arenas. Both give the same bytes (test/compress.test.ts);
// the public function is the fallback should the handle ever look different.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const C = zlib.constants;
const engines = new Map();
let room = new Uint8Array(0);
function roomFor(length) { return Math.max(65536, length + (length >> 7) + 65536); }
function oneShot(codec, level, input) {
  const chunkSize = roomFor(input.length);
  return codec === 'gz'
    ? zlib.gzipSync(input, { level, chunkSize })
    : zlib.zstdCompressSync(input, { chunkSize, params: { [C.ZSTD_c_compressionLevel]: level, [C.ZSTD_c_checksumFlag]: 1 } });
}
function engine(codec, level) {
  const key = codec + level;
  if (engines.has(key)) return engines.get(key);
  const s = codec === 'gz'
    ? zlib.createGzip({ level })
    : zlib.createZstdCompress({ params: { [C.ZSTD_c_compressionLevel]: level, [C.ZSTD_c_checksumFlag]: 1 } });
  const h = s._handle, state = s._writeState;
  let run = null;
  if (h && typeof h.writeSync === 'function' && typeof h.reset === 'function' && state instanceof Uint32Array) {
    const finish = codec === 'gz' ? C.Z_FINISH : C.ZSTD_e_end;
    run = (input) => {
      const size = roomFor(input.length);
      if (room.length < size) room = new Uint8Array(size);
      h.writeSync(finish, input, 0, input.length, room, 0, size);
      if (state[1] !== 0 || state[0] === 0) {
        // Not finished in one call (cannot happen with this room): start afresh.
        engines.delete(key);
        return oneShot(codec, level, input);
      }
      // A finished zstd frame leaves the context ready for the next; its reset() would
      // also drop the level and checksum parameters. deflate needs the reset.
      if (codec === 'gz') h.reset();
      return room.slice(0, size - state[0]);
    };
  } else {
    run = (input) => oneShot(codec, level, input);
  }
  engines.set(key, run);
  return run;
}
parentPort.on('message', (m) => {
  try {
    const r = engine(m.codec, m.level)(m.block.subarray(0, m.length));
    const out = r.byteOffset === 0 && r.byteLength === r.buffer.byteLength ? r : r.slice();
    parentPort.postMessage({ id: m.id, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

/** A block buffer the workers read in place. */
export function sharedBlock(size: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(size));
}

// Blocks outlive the streams that used them. A SharedArrayBuffer is freed only once every
// isolate that saw it has collected it, and an idle worker hardly ever collects: a push
// that compressed 41 layers, each with fresh blocks, held 450 MB of them. So blocks go
// back to one free list for the next stream.
const freeBlocks = new Map<number, Uint8Array[]>();
const KEEP_FREE = 16;

/** A block of `size` bytes from the free list, or a new one. */
export function takeBlock(size: number): Uint8Array {
  return freeBlocks.get(size)?.pop() ?? sharedBlock(size);
}

/** Returns a block no job is reading any more. */
export function giveBlock(block: Uint8Array): void {
  let list = freeBlocks.get(block.byteLength);
  if (!list) freeBlocks.set(block.byteLength, (list = []));
  if (list.length < KEEP_FREE) list.push(block);
}

interface Lane {
  worker: Worker;
  busy: number;
}

interface Waiting {
  resolve(out: Buffer): void;
  reject(err: Error): void;
  lane: Lane;
}

export class CompressPool {
  private lanes: Lane[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  readonly threads: number;

  constructor(threads = Math.max(1, Math.min(availableParallelism(), 8))) {
    this.threads = threads;
  }

  /**
   * Compresses block[0, length) into one gzip member / zstd frame. A block from
   * `sharedBlock` is read in place (leave it alone until the promise settles); any other
   * is copied first.
   */
  run(codec: Codec, block: Uint8Array, length: number, level: number): Promise<Buffer> {
    let shared = block;
    if (!(block.buffer instanceof SharedArrayBuffer)) {
      shared = sharedBlock(length);
      shared.set(block.subarray(0, length));
    }
    const lane = this.pickLane();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, lane });
      if (lane.busy++ === 0) lane.worker.ref();
      lane.worker.postMessage({ id, codec, block: shared, length, level });
    });
  }

  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  private pickLane(): Lane {
    if (this.lanes.length < this.threads && !this.lanes.some((l) => l.busy === 0)) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const lane: Lane = { worker, busy: 0 };
      worker.on('message', (m: { id: number; out?: Uint8Array; error?: string }) => this.settle(m));
      worker.on('error', (err) => this.failLane(lane, err));
      worker.unref(); // idle workers must not keep the process alive
      this.lanes.push(lane);
      return lane;
    }
    return this.lanes.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private settle(m: { id: number; out?: Uint8Array; error?: string }): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (--w.lane.busy === 0) w.lane.worker.unref();
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(Buffer.from(m.out!.buffer, m.out!.byteOffset, m.out!.byteLength));
  }

  private failLane(lane: Lane, err: Error): void {
    this.lanes = this.lanes.filter((l) => l !== lane);
    for (const [id, w] of this.waiting) {
      if (w.lane !== lane) continue;
      this.waiting.delete(id);
      w.reject(err);
    }
  }
}

let shared: CompressPool | undefined;

/** One pool per process; idle workers do not keep it alive. */
export function defaultCompressPool(): CompressPool {
  return (shared ??= new CompressPool());
}
