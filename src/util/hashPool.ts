// sha256 of layer streams on worker threads. Hashing is the one CPU-bound step of
// writing an uncompressed archive (~1.1 GB/s on one core here, as fast as reading the
// store files), so it moves off the thread that reads and writes, and two layers hash
// at once on two cores. Chunks are copied to the worker (the producer reuses its
// buffers); at most `window` bytes per worker are in flight, so memory stays bounded.

import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// An inline worker: no separate file to locate in the bundle.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(m.data.subarray(0, m.length));
    // The buffer goes back to the main thread for reuse.
    parentPort.postMessage({ op: 'ack', bytes: m.length, data: m.data }, [m.data.buffer]);
  } else {
    const h = hashes.get(m.id) ?? createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: h.digest('hex') });
  }
});
`;

const BUFFER_SIZE = 1 << 20;

export interface StreamHash {
  /** Adds bytes; may wait while the worker catches up. `chunk` may be reused once this returns. */
  update(chunk: Uint8Array): Promise<void> | void;
  /** The hex digest of everything added. */
  digest(): Promise<string>;
}

interface Lane {
  worker: Worker;
  /** Replies awaited; the worker keeps the process alive only while this is non-zero. */
  awaited: number;
  inFlight: number;
  waiters: (() => void)[];
  spare: Uint8Array[];
  digests: Map<number, (hex: string) => void>;
  streams: number;
}

export class HashPool {
  private lanes: Lane[] = [];
  private nextId = 0;
  private readonly threads: number;
  private readonly window: number;

  constructor(opts: { threads?: number; window?: number } = {}) {
    // Measured on 2 cores once compression moved to its own workers and the main thread
    // lost its GC work: one hashing thread streams 1.3 GB in 1.02-1.09 s against
    // 1.17-1.21 s in-thread, and a zstd build takes 2.97-3.20 s against 3.10-3.74 s, for
    // 24 MB more RSS (two threads gained nothing more there). From 4 cores on (GitHub's
    // Linux runners), two.
    const cores = availableParallelism();
    this.threads = opts.threads ?? Number(process.env.NIX_DOCKER_HASH_THREADS ?? (cores >= 4 ? 2 : cores >= 2 ? 1 : 0));
    this.window = opts.window ?? 8 << 20;
  }

  /** A new hash; on one core (or threads = 0) it runs on this thread. */
  start(): StreamHash {
    if (this.threads < 1 || availableParallelism() < 2) return localHash();
    const lane = this.pickLane();
    const id = this.nextId++;
    lane.streams++;
    return {
      update: (chunk) => {
        // Copied into a buffer the worker hands back after hashing (no garbage per chunk).
        const size = Math.max(chunk.byteLength, BUFFER_SIZE);
        const spare = lane.spare.findIndex((b) => b.byteLength >= chunk.byteLength);
        const copy = spare >= 0 ? lane.spare.splice(spare, 1)[0]! : new Uint8Array(size);
        copy.set(chunk);
        lane.inFlight += chunk.byteLength;
        expect(lane);
        lane.worker.postMessage({ op: 'update', id, data: copy, length: chunk.byteLength }, [copy.buffer as ArrayBuffer]);
        if (lane.inFlight > this.window) return new Promise<void>((r) => lane.waiters.push(r));
      },
      digest: () =>
        new Promise<string>((resolve) => {
          lane.digests.set(id, (hex) => {
            lane.streams--;
            resolve(hex);
          });
          expect(lane);
          lane.worker.postMessage({ op: 'digest', id });
        }),
    };
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  /** Starts the workers now (idle, they keep nothing alive): a worker takes ~50 ms to boot. */
  warm(): void {
    if (availableParallelism() < 2) return;
    while (this.lanes.length < this.threads) this.addLane();
  }

  private pickLane(): Lane {
    if (this.lanes.length < this.threads) return this.addLane();
    return this.lanes.reduce((a, b) => (b.streams < a.streams || (b.streams === a.streams && b.inFlight < a.inFlight) ? b : a));
  }

  private addLane(): Lane {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const lane: Lane = { worker, awaited: 0, inFlight: 0, waiters: [], spare: [], digests: new Map(), streams: 0 };
    worker.on('message', (m: { op: string; bytes?: number; id?: number; hex?: string; data?: Uint8Array }) => {
      if (--lane.awaited === 0) worker.unref();
      if (m.op === 'ack') {
        lane.inFlight -= m.bytes!;
        if (lane.spare.length < 16) lane.spare.push(m.data!);
        if (lane.inFlight <= this.window / 2) for (const w of lane.waiters.splice(0)) w();
      } else {
        const done = lane.digests.get(m.id!);
        lane.digests.delete(m.id!);
        done?.(m.hex!);
      }
    });
    worker.unref(); // after on('message'), which would ref it again
    this.lanes.push(lane);
    return lane;
  }
}

function expect(lane: Lane): void {
  if (lane.awaited++ === 0) lane.worker.ref();
}

function localHash(): StreamHash {
  const h = createHash('sha256');
  return { update: (c) => void h.update(c), digest: async () => h.digest('hex') };
}

let shared: HashPool | undefined;

/** One pool per process; its workers do not keep the process alive. */
export function defaultHashPool(): HashPool {
  return (shared ??= new HashPool());
}
