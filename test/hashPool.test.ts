import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { HashPool } from '../src/util/hashPool.ts';

test('worker-thread hashes equal sha256 of the same bytes, with reused chunk buffers and flow control', async () => {
  const pool = new HashPool({ threads: 2, window: 1 << 20 });
  const data = [randomBytes(3 << 20), randomBytes(5 << 20), Buffer.alloc(0)];
  const chunk = Buffer.alloc(256 * 1024); // one buffer, reused for every chunk as the tar writer does
  const digests = await Promise.all(
    data.map(async (bytes) => {
      const h = pool.start();
      for (let off = 0; off < bytes.length; off += chunk.length) {
        const n = bytes.copy(chunk, 0, off, off + chunk.length);
        await h.update(chunk.subarray(0, n));
      }
      return h.digest();
    }),
  );
  assert.deepEqual(digests, data.map((b) => createHash('sha256').update(b).digest('hex')));
  await pool.close();
});
