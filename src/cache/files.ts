// File work shared by the backends: verify a blob against its record, copy a blob (or a
// run of a bigger file) while hashing it, hard-link when possible, write small files
// atomically (a temporary name beside the target, renamed when complete).

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decompressStream } from '../compress/index.ts';
import type { LayerRecord } from './types.ts';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export const hexOf = (digest: string): string => digest.slice('sha256:'.length);

/** Why a record is unusable, or undefined when its fields are well formed. */
export function recordProblem(r: unknown): string | undefined {
  const x = r as Partial<LayerRecord> | null;
  if (!x || typeof x !== 'object') return 'not an object';
  if (typeof x.digest !== 'string' || !DIGEST.test(x.digest)) return 'bad digest';
  if (typeof x.diffId !== 'string' || !DIGEST.test(x.diffId)) return 'bad diffId';
  for (const k of ['size', 'compressedSize'] as const) {
    if (!Number.isSafeInteger(x[k]) || (x[k] as number) < 0) return `bad ${k}`;
  }
  if (x.compressor !== 'gz' && x.compressor !== 'zstd' && x.compressor !== 'none') return 'bad compressor';
  return undefined;
}

/** The record's own fields (drops anything else a caller passed along). */
export const recordOf = (r: LayerRecord): LayerRecord => ({
  diffId: r.diffId,
  digest: r.digest,
  size: r.size,
  compressedSize: r.compressedSize,
  compressor: r.compressor,
});

class Counter extends Transform {
  bytes = 0;
  readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

/**
 * Checks a blob file against its record: size, then sha256 of the bytes; with `full`,
 * also the diff_id and size of the decompressed tar. Returns why it does not match, or
 * undefined when it does.
 */
export async function blobProblem(file: string, record: LayerRecord, mode: 'digest' | 'full' = 'digest'): Promise<string | undefined> {
  let st: fs.Stats;
  try {
    st = await fsp.stat(file);
  } catch {
    return 'blob missing';
  }
  if (!st.isFile()) return 'blob is not a file';
  if (st.size !== record.compressedSize) return `truncated or padded: ${st.size} bytes, expected ${record.compressedSize}`;
  const outer = createHash('sha256');
  const inner = createHash('sha256');
  let innerBytes = 0;
  async function* read(): AsyncGenerator<Uint8Array> {
    for await (const chunk of fs.createReadStream(file)) {
      outer.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  try {
    if (mode === 'full') {
      // decompressStream cuts a multi-frame zstd blob at its frame ends, as Node's decoder needs.
      for await (const chunk of decompressStream(read(), record.compressor)) {
        inner.update(chunk);
        innerBytes += chunk.byteLength;
      }
    } else for await (const _ of read());
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
  const digest = `sha256:${outer.digest('hex')}`;
  if (digest !== record.digest) return `digest ${digest}, expected ${record.digest}`;
  if (mode === 'full') {
    if (innerBytes !== record.size) return `uncompressed size ${innerBytes}, expected ${record.size}`;
    const diffId = `sha256:${inner.digest('hex')}`;
    if (diffId !== record.diffId) return `diff_id ${diffId}, expected ${record.diffId}`;
  }
  return undefined;
}

/** A temporary name beside `file` (same directory, so a rename is atomic). */
export const tempBeside = (file: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

/**
 * Copies `length` bytes of `src` from `offset` to `dest`, hashing them; `dest` appears
 * only complete. Returns the digest and byte count of what was copied.
 */
export async function copyRange(src: string, dest: string, offset: number, length: number, tmp = tempBeside(dest), seekable = true): Promise<{ digest: string; bytes: number }> {
  const counter = new Counter();
  try {
    // A pipe cannot seek: it is read to its end (and the byte count checked by the caller).
    const input = !seekable ? fs.createReadStream(src) : length === 0 ? Readable.from([]) : fs.createReadStream(src, { start: offset, end: offset + length - 1 });
    await pipeline(input, counter, fs.createWriteStream(tmp, { mode: 0o444 }));
    await fsp.rename(tmp, dest);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  return { digest: `sha256:${counter.hash.digest('hex')}`, bytes: counter.bytes };
}

/**
 * Puts `src` (a whole regular file the cache owns) at `dest`: a hard link when on one
 * file system, else a copy under a temporary name, renamed. Replaces `dest` if present.
 */
export async function linkOrCopy(src: string, dest: string, tmp = tempBeside(dest)): Promise<void> {
  try {
    await fsp.link(src, tmp);
  } catch {
    await fsp.copyFile(src, tmp);
  }
  try {
    await fsp.rename(tmp, dest);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Gets the blob of `layer` to `dest`, verifying what can be verified for free: a whole
 * regular file of the right size is copied (a reflink where the file system can); a run
 * of a file, or a pipe, is copied and hashed on the way. Throws when the bytes do not
 * match the record. Never a hard link to the caller's file: the caller may rewrite it;
 * a file handed over (`handOver`) is moved instead when it can be.
 */
export async function storeBlob(
  layer: { blobPath: string; blobOffset?: number; digest: string; compressedSize: number; handOver?: boolean },
  dest: string,
  tmp = tempBeside(dest),
): Promise<void> {
  const st = await fsp.stat(layer.blobPath);
  const offset = layer.blobOffset ?? 0;
  if (st.isFile() && offset === 0 && st.size === layer.compressedSize) {
    try {
      // A file handed over moves when it is on this file system (EXDEV otherwise: copied).
      const moved = layer.handOver === true && (await fsp.rename(layer.blobPath, tmp).then(() => true, () => false));
      if (!moved) await fsp.copyFile(layer.blobPath, tmp, fs.constants.COPYFILE_FICLONE);
      await fsp.chmod(tmp, 0o444);
      await fsp.rename(tmp, dest);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return;
  }
  if (st.isFile() && st.size < offset + layer.compressedSize) {
    throw new Error(`${layer.blobPath} holds ${st.size} bytes, fewer than offset ${offset} + ${layer.compressedSize}`);
  }
  if (!st.isFile() && offset !== 0) throw new Error(`${layer.blobPath} is not a regular file: it cannot be read from offset ${offset}`);
  const got = await copyRange(layer.blobPath, dest, offset, layer.compressedSize, tmp, st.isFile());
  if (got.bytes !== layer.compressedSize || got.digest !== layer.digest) {
    await fsp.rm(dest, { force: true });
    throw new Error(`blob of ${got.bytes} bytes with digest ${got.digest} does not match its record (${layer.compressedSize} bytes, ${layer.digest})`);
  }
}

/** Writes a small file atomically. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, tmp = tempBeside(file)): Promise<void> {
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Parsed JSON of `file`; undefined when it is missing; throws on unreadable or bad JSON. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}
