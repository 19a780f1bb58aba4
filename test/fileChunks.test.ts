// Reading files through reused buffers: the bytes, the range, and a file that ends early.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { READ_CHUNK, reusedChunks } from '../src/util/fileChunks.ts';

test('reusedChunks: the whole file or a range, chunk by chunk, in two alternating buffers', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'nix-docker-chunks-'));
  try {
    const data = randomBytes(3 * READ_CHUNK + 12345);
    const file = path.join(dir, 'f');
    await fsp.writeFile(file, data);
    const read = async (start?: number, length?: number) => {
      const copies: Buffer[] = [];
      const buffers = new Set<ArrayBufferLike>();
      for await (const c of reusedChunks(file, start, length)) {
        buffers.add(c.buffer);
        copies.push(Buffer.from(c)); // valid until the next is asked for: keep a copy
      }
      return { bytes: Buffer.concat(copies), chunks: copies.length, buffers: buffers.size };
    };
    const all = await read();
    assert.ok(all.bytes.equals(data));
    assert.deepEqual([all.chunks, all.buffers], [4, 2]);
    assert.ok((await read(1000, 2 * READ_CHUNK)).bytes.equals(data.subarray(1000, 1000 + 2 * READ_CHUNK)));
    assert.equal((await read(5, 0)).chunks, 0);
    await assert.rejects(read(data.length - 10, 20), /ended 10 bytes early/);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
