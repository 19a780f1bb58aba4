import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes, createHash } from 'node:crypto';
import { zstdBomb } from './helpers/hostileArchives.ts';
import { compressBlock, compressStream, decompressStream, FLUSH, sniffCompression, type Flush } from '../src/compress/index.ts';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

async function* pieces(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

// Half random, half repetitive: compressible, and spans several blocks.
const input = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 'nix-docker ')]);

for (const kind of ['gz', 'zstd'] as const) {
  test(`${kind}: blocks compressed in parallel decode with the standard tool to the input`, async () => {
    const out = await collect(compressStream(pieces(input, 77_777), kind, { blockSize: 128 * 1024, parallel: 3 }));
    assert.equal(sniffCompression(out), kind);
    const tool = kind === 'gz' ? ['gzip', ['-dc']] : ['zstd', ['-dc']];
    const decoded = execFileSync(tool[0] as string, tool[1] as string[], { input: out, maxBuffer: 1 << 26 });
    assert.equal(createHash('sha256').update(decoded).digest('hex'), createHash('sha256').update(input).digest('hex'));
    assert.ok(out.length < input.length * 0.5);
  });

  test(`${kind}: output does not depend on how the input was chunked or the parallelism`, async () => {
    const a = await collect(compressStream(pieces(input, 4096), kind, { blockSize: 128 * 1024, parallel: 1 }));
    const b = await collect(compressStream(pieces(input, 1_000_000), kind, { blockSize: 128 * 1024, parallel: 4 }));
    assert.ok(a.equals(b));
  });
}

test('none passes bytes through; empty input still yields a valid stream', async () => {
  assert.ok((await collect(compressStream(pieces(input, 1000), 'none'))).equals(input));
  const empty = await collect(compressStream(pieces(Buffer.alloc(0), 1), 'gz'));
  assert.equal(execFileSync('gzip', ['-dc'], { input: empty }).length, 0);
});

test('FLUSH ends a member: a layer between flushes compresses to the same bytes wherever it sits', async () => {
  const layer = Buffer.alloc(300_000, 'layer-bytes ');
  async function* archive(prefix: Buffer): AsyncGenerator<Uint8Array | Flush> {
    yield prefix;
    yield FLUSH;
    yield layer;
    yield FLUSH;
    yield Buffer.from('tail');
  }
  for (const kind of ['gz', 'zstd'] as const) {
    const a = await collect(compressStream(archive(Buffer.from('short header')), kind, { blockSize: 128 * 1024 }));
    const b = await collect(compressStream(archive(Buffer.alloc(1000, 'another, longer header ')), kind, { blockSize: 128 * 1024 }));
    const blocks = [layer.subarray(0, 131072), layer.subarray(131072, 262144), layer.subarray(262144)];
    const layerMembers = Buffer.concat(await Promise.all(blocks.map((blk) => compressBlock(kind, blk))));
    assert.ok(a.includes(layerMembers) && b.includes(layerMembers), kind);
    const decoded = execFileSync(kind === 'gz' ? 'gzip' : 'zstd', ['-dc'], { input: a });
    assert.ok(decoded.equals(Buffer.concat([Buffer.from('short header'), layer, Buffer.from('tail')])));
  }
});

test('decompressStream reads our many-member/many-frame output back, and a truncated stream fails', async () => {
  for (const kind of ['gz', 'zstd'] as const) {
    const packed = await collect(compressStream(pieces(input, 65_536), kind, { blockSize: 100_000 }));
    const back = await collect(decompressStream(pieces(packed, 4096), kind));
    assert.ok(back.equals(input), kind);
    await assert.rejects(collect(decompressStream(pieces(packed.subarray(0, packed.length - 10), 4096), kind)));
  }
});

test('worker pool: blocks come out as the public one-shot functions make them, block after block', async () => {
  const { CompressPool, outputRoom, sharedBlock } = await import('../src/compress/pool.ts');
  const zlib = await import('node:zlib');
  const C = zlib.constants;
  const pool = new CompressPool(2);
  try {
    const blocks = [input.subarray(0, 400_000), input.subarray(400_000), Buffer.alloc(0), input.subarray(0, 400_000)];
    for (const kind of ['gz', 'zstd'] as const) {
      const level = kind === 'gz' ? 3 : 1;
      // Several blocks through the same worker engines: a reused context must not drift
      // (a zstd reset would drop the level and the checksum flag).
      const outs = await Promise.all(blocks.map(async (b) => {
        const shared = sharedBlock(Math.max(1, b.length));
        shared.set(b);
        const out = sharedBlock(outputRoom(b.length));
        const n = await pool.run(kind, shared, b.length, level, out);
        return Buffer.from(out.subarray(0, n));
      }));
      blocks.forEach((b, i) => {
        const room = Math.max(65536, b.length + (b.length >> 7) + 65536);
        const ref = kind === 'gz'
          ? zlib.gzipSync(b, { level, chunkSize: room })
          : zlib.zstdCompressSync(b, { chunkSize: room, params: { [C.ZSTD_c_compressionLevel]: level, [C.ZSTD_c_checksumFlag]: 1 } });
        assert.ok(outs[i]!.equals(ref), `${kind} block ${i}`);
      });
      assert.ok(outs[0]!.equals(outs[3]!), kind);
      if (kind === 'zstd') assert.equal((outs[0]![4]! >> 2) & 1, 1, 'zstd frames carry a checksum');
    }
    // Any buffer goes through compress(); run() takes shared buffers only.
    assert.ok((await pool.compress('gz', Buffer.from('plain'), 3)).equals(zlib.gzipSync('plain', { level: 3, chunkSize: outputRoom(5) })));
    assert.throws(() => pool.run('gz', Buffer.from('plain'), 5, 3, sharedBlock(outputRoom(5))), /shared/);
  } finally {
    await pool.close();
  }
});

test('worker pool: a failure rejects that block only', async () => {
  const { CompressPool } = await import('../src/compress/pool.ts');
  const pool = new CompressPool(1);
  try {
    await assert.rejects(pool.compress('gz', Buffer.from('x'), 42), /level|invalid|range/i);
    assert.ok((await pool.compress('gz', Buffer.from('after'), 3)).length > 0);
  } finally {
    await pool.close();
  }
});

test('transient output: views of reused slots, the same bytes as owned chunks', async () => {
  for (const kind of ['gz', 'zstd'] as const) {
    const owned: Uint8Array[] = [];
    for await (const c of compressStream(pieces(input, 50_000), kind, { blockSize: 64 * 1024 })) owned.push(c);
    const copies: Buffer[] = [];
    const seen = new Set<ArrayBufferLike>();
    for await (const c of compressStream(pieces(input, 50_000), kind, { blockSize: 64 * 1024, transient: true })) {
      seen.add(c.buffer);
      copies.push(Buffer.from(c)); // a consumer that keeps bytes copies them before asking for more
    }
    assert.ok(Buffer.concat(copies).equals(Buffer.concat(owned)), kind);
    assert.ok(copies.length > seen.size, `${kind}: slots were reused (${seen.size} buffers for ${copies.length} chunks)`);
    assert.ok(owned.every((c) => !(c.buffer instanceof SharedArrayBuffer)), `${kind}: owned chunks are copies, not views of a slot`);
  }
});

test("zstd from anyone: frames with and without content size or checksum, skippable and empty frames, cut anywhere", async () => {
  const zlib = await import('node:zlib');
  const { constants } = zlib;
  const parts: Buffer[] = [];
  const plain: Buffer[] = [];
  // The first frames again, small enough to feed a byte at a time (every cut inside every header).
  let head = { packed: Buffer.alloc(0), want: Buffer.alloc(0) };
  for (let i = 0; i < 40; i++) {
    if (i === 8) head = { packed: Buffer.concat(parts), want: Buffer.concat(plain) };
    const b = i % 3 === 0 ? Buffer.alloc(500 + i * 977, i) : randomBytes(500 + i * 977);
    plain.push(b);
    parts.push(zlib.zstdCompressSync(b, { params: { [constants.ZSTD_c_contentSizeFlag]: i % 2, [constants.ZSTD_c_checksumFlag]: i % 4 === 0 ? 1 : 0 } }));
    if (i % 5 === 0) parts.push(Buffer.concat([Buffer.from([0x50 + (i % 16), 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('abc')]));
    if (i % 7 === 0) parts.push(zlib.zstdCompressSync(Buffer.alloc(0)));
  }
  const packed = Buffer.concat(parts);
  const want = Buffer.concat(plain);
  // Node 24's streaming decoder alone fails here once a chunk runs past a frame end: the
  // reason decompressStream cuts its input at frame ends.
  await assert.rejects(pipeline(Readable.from(pieces(packed, 4096)), zlib.createZstdDecompress(), async (decoded: AsyncIterable<Buffer>) => collect(decoded)));
  for (const size of [1, 3]) assert.ok((await collect(decompressStream(pieces(head.packed, size), 'zstd'))).equals(head.want), `chunks of ${size}`);
  for (const size of [7, 4096, 1 << 20]) assert.ok((await collect(decompressStream(pieces(packed, size), 'zstd'))).equals(want), `chunks of ${size}`);
  await assert.rejects(collect(decompressStream(pieces(packed.subarray(0, packed.length - 3), 4096), 'zstd')), /zstd: truncated stream/);
  await assert.rejects(collect(decompressStream(pieces(Buffer.concat([packed, Buffer.from('junk')]), 4096), 'zstd')), /zstd: bad frame magic/);
});

test('decompressStream refuses output beyond the expansion limit, naming the input, in bounded memory', async () => {
  const bomb = zstdBomb(2 ** 31); // 64 KiB of RLE blocks: 2 GiB of zeros
  const before = process.memoryUsage().rss;
  let n = 0;
  let peak = before;
  await assert.rejects(
    (async () => {
      for await (const c of decompressStream(pieces(bomb, 4096), 'zstd', { compressedSize: bomb.length, name: 'bomb.tar.zst' })) {
        n += c.length;
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    })(),
    /^ExpansionError: bomb\.tar\.zst decompresses to more than 1\.00 GiB \(over 1100 times its 64\.0 KiB\); refused as a decompression bomb$/,
  );
  assert.ok(n <= 2 ** 30, `stopped at the limit (${n} bytes)`);
  assert.ok(peak - before < 200 << 20, `memory grew ${(peak - before) >> 20} MiB`);
});
