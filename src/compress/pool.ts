// Block compression on worker threads.
//
// Why not node:zlib's async functions on libuv's pool: measured on the 1.3 GB bench
// closure, they cost twice. (1) Their stream feeds a block with ZSTD_e_continue and ends
// the frame after, so libzstd runs its buffered ring (the slow extDict match finder,
// 330 against 443 MB/s one-pass) and the frames depend on node's chunk sizes. (2) Every
// block allocates its output room and a copy in the main isolate; that external memory
// set off ~50 full GCs of the main heap per build (~2 s of CPU on a 2-core machine).
// Here a worker compresses a block in one synchronous call with room for all of its
// output (one pass, the bytes fixed by input and level alone). Blocks and output slots
// are SharedArrayBuffers the worker reads and writes in place, reused from stream to
// stream: a 4 MiB ArrayBuffer moved between isolates, or a fresh result, counts as new
// external memory each time it arrives, and that alone set off ~20 full GCs per build.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type Codec = 'gz' | 'zstd';

// An inline worker: no separate file to locate in the bundle. It keeps one compressor
// per codec and level and drives node:zlib's handle directly (writeSync with the
// finishing flush, then reset for gzip), straight into the shared output slot it is
// given: a block allocates nothing. (A fresh context per block, as zstdCompressSync
// makes, left ~100 MB of freed 4 MiB buffers in the workers' malloc arenas.) Both give
// the same bytes (test/compress.test.ts); the public function is the fallback should the
// handle ever look different.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const C = zlib.constants;
const engines = new Map();
function oneShot(codec, level, input, out) {
  const chunkSize = out.length;
  const r = codec === 'gz'
    ? zlib.gzipSync(input, { level, chunkSize })
    : zlib.zstdCompressSync(input, { chunkSize, params: { [C.ZSTD_c_compressionLevel]: level, [C.ZSTD_c_checksumFlag]: 1 } });
  out.set(r);
  return r.length;
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
    run = (input, out) => {
      h.writeSync(finish, input, 0, input.length, out, 0, out.length);
      if (state[1] !== 0 || state[0] === 0) {
        // Not finished in one call (cannot happen with this room): start afresh.
        engines.delete(key);
        return oneShot(codec, level, input, out);
      }
      // A finished zstd frame leaves the context ready for the next; its reset() would
      // also drop the level and checksum parameters. deflate needs the reset.
      if (codec === 'gz') h.reset();
      return out.length - state[0];
    };
  } else {
    run = (input, out) => oneShot(codec, level, input, out);
  }
  engines.set(key, run);
  return run;
}
parentPort.on('message', (m) => {
  try {
    const length = engine(m.codec, m.level)(m.block.subarray(0, m.length), m.out.subarray(0, m.room));
    parentPort.postMessage({ id: m.id, length });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

/**
 * Room for all of a block's compressed output: one pass for any input (more than
 * zlib's and zstd's bounds), so the bytes depend on block and level only.
 */
export function outputRoom(length: number): number {
  return Math.max(65536, length + (length >> 7) + 65536);
}

/** A block buffer the workers read in place. */
export function sharedBlock(size: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(size));
}

// Blocks and output slots outlive the streams that used them. A SharedArrayBuffer is
// freed only once every isolate that saw it has collected it, and an idle worker hardly
// ever collects: a push that compressed 41 layers, each with fresh blocks, held 450 MB of
// them. So they go back to one free list (by size) for the next stream.
const freeBlocks = new Map<number, Uint8Array[]>();
const KEEP_FREE = 16;

/** A shared buffer of `size` bytes from the free list, or a new one. */
export function takeBlock(size: number): Uint8Array {
  return freeBlocks.get(size)?.pop() ?? sharedBlock(size);
}

/** Returns a buffer no job is using any more. */
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
  resolve(length: number): void;
  reject(err: Error): void;
  lane: Lane;
}

export class CompressPool {
  private lanes: Lane[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  readonly threads: number;

  // One worker per core (NIX_DOCKER_COMPRESS_THREADS overrides). Measured on 2 cores, 1, 2
  // and 3 workers all took 4.1-4.6 s for the 1.3 GB zstd bench: the cores are the limit.
  constructor(threads = Number(process.env.NIX_DOCKER_COMPRESS_THREADS) || Math.max(1, Math.min(availableParallelism(), 8))) {
    this.threads = threads;
  }

  /**
   * Compresses block[0, length) into one gzip member / zstd frame written at the start
   * of `out` (shared, at least outputRoom(length) bytes); resolves to its length. The
   * worker reads `block` and writes `out` in place: leave both alone until this settles.
   */
  run(codec: Codec, block: Uint8Array, length: number, level: number, out: Uint8Array): Promise<number> {
    const room = outputRoom(length);
    if (!(block.buffer instanceof SharedArrayBuffer) || !(out.buffer instanceof SharedArrayBuffer)) throw new Error('compress pool: block and output must be shared buffers');
    if (out.byteLength < room) throw new Error(`compress pool: output slot of ${out.byteLength} bytes, ${room} needed`);
    const lane = this.pickLane();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, lane });
      if (lane.busy++ === 0) lane.worker.ref();
      lane.worker.postMessage({ id, codec, block, length, level, out, room });
    });
  }

  /** One block, any buffer (not the streaming path): the compressed bytes in a buffer of their own. */
  async compress(codec: Codec, block: Uint8Array, level: number): Promise<Buffer> {
    const input = sharedBlock(Math.max(1, block.length));
    input.set(block);
    const out = sharedBlock(outputRoom(block.length));
    const n = await this.run(codec, input, block.length, level, out);
    return Buffer.from(out.subarray(0, n));
  }

  /** Starts the workers now (idle, they keep nothing alive): a worker takes ~50 ms to boot. */
  warm(): void {
    while (this.lanes.length < this.threads) this.addLane();
  }

  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  private pickLane(): Lane {
    if (this.lanes.length < this.threads && !this.lanes.some((l) => l.busy === 0)) return this.addLane();
    return this.lanes.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private addLane(): Lane {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const lane: Lane = { worker, busy: 0 };
    worker.on('message', (m: { id: number; length?: number; error?: string }) => this.settle(m));
    worker.on('error', (err) => this.failLane(lane, err));
    worker.unref(); // idle workers must not keep the process alive
    this.lanes.push(lane);
    return lane;
  }

  private settle(m: { id: number; length?: number; error?: string }): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (--w.lane.busy === 0) w.lane.worker.unref();
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(m.length!);
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
