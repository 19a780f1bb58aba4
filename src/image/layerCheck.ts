// Every layer of an input image is hashed against the diff_id its config claims before
// anything is built, pushed or written from it, whatever form the archive stores it in
// (a plain tar, gzip, zstd): a layer whose bytes lie would otherwise reach a registry or
// an output under the wrong diff_id (Docker checks diff_ids when it loads, registries
// do not). Nothing else is trusted either: a member named after a digest
// (`blobs/sha256/<hex>`) must hash to it, and a cache keyed by diff_id is consulted
// only after the check.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { decompressStream, ExpansionError, sniffCompression } from '../compress/index.ts';
import type { Compressor } from '../spec/attributes.ts';
import { mapLimit } from '../util/concurrency.ts';
import { defaultHashPool } from '../util/hashPool.ts';

/** A layer as the archive stores it: a byte range of a file. */
export interface StoredLayer {
  member: string;
  diffId: string;
  file: string;
  offset: number;
  size: number;
}

/** A layer after its check: where its bytes are, and how they are compressed. */
export interface CheckedLayer extends StoredLayer {
  compression: Compressor;
  /** sha256 of the stored (compressed) bytes, when compressed: the blob a registry gets. */
  blobDigest?: string;
}

export interface CheckOptions {
  /** Throws the input's error (naming the attribute and the file). */
  fail(why: string): never;
  /**
   * Compressed layers are decompressed into this directory and the checked layer is the
   * plain copy (what an archive writer copies into a new image). Without it they stay
   * compressed and only their digests are computed.
   */
  plainDir?: string;
}

const DIGEST_NAME = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$/;

/** Checks each layer (a layer listed twice is read once); throws through `fail` on the first lie. */
export async function checkLayers(layers: readonly StoredLayer[], opts: CheckOptions): Promise<CheckedLayer[]> {
  const seen = new Map<string, Promise<CheckedLayer>>();
  return mapLimit(layers, 2, async (layer, i) => {
    const key = `${layer.file}\0${layer.offset}\0${layer.size}`;
    let checked = seen.get(key);
    if (!checked) {
      checked = checkOne(layer, i, opts);
      seen.set(key, checked);
    }
    const done = await checked;
    if (done.diffId !== layer.diffId) {
      // The same bytes listed again under another diff_id: one of the two claims is false.
      opts.fail(`layer ${i + 1} ('${layer.member}') is listed with diff_id ${layer.diffId} and with ${done.diffId}`);
    }
    return { ...done, member: layer.member };
  });
}

async function checkOne(layer: StoredLayer, i: number, opts: CheckOptions): Promise<CheckedLayer> {
  const label = `layer ${i + 1} ('${layer.member}')`;
  const compression = await sniffRange(layer);
  const raw = (): fs.ReadStream => fs.createReadStream(layer.file, { start: layer.offset, end: layer.offset + layer.size - 1, highWaterMark: 1 << 20 });
  const stored = createHash('sha256');
  const plain = defaultHashPool().start();
  let blobDigest: string | undefined;
  let result: StoredLayer = layer;
  if (compression === 'none') {
    if (layer.size > 0) {
      for await (const chunk of raw()) {
        const wait = plain.update(chunk);
        if (wait) await wait;
      }
    }
  } else {
    async function* compressed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of raw()) {
        stored.update(chunk);
        yield chunk;
      }
    }
    const file = opts.plainDir ? path.join(opts.plainDir, `layer-${i + 1}-${layer.offset}.tar`) : undefined;
    let n = 0;
    async function* decompressed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of decompressStream(compressed(), compression, { compressedSize: layer.size, name: label })) {
        n += chunk.length;
        const wait = plain.update(chunk);
        if (wait) await wait;
        yield chunk;
      }
    }
    try {
      if (file) await pipeline(decompressed(), fs.createWriteStream(file));
      else for await (const _ of decompressed());
    } catch (err) {
      // A full or unwritable work directory is not the input's fault: reported as it is.
      const syscall = (err as NodeJS.ErrnoException).syscall;
      if (syscall === 'write') throw new Error(`writing ${file}: ${(err as Error).message}`, { cause: err });
      if (syscall !== undefined) throw err;
      return opts.fail(err instanceof ExpansionError ? err.message : `${label} cannot be decompressed (${compression}): ${(err as Error).message}`);
    }
    blobDigest = `sha256:${stored.digest('hex')}`;
    if (file) result = { ...layer, file, offset: 0, size: n };
  }
  const diffId = `sha256:${await plain.digest()}`;
  if (diffId !== layer.diffId) opts.fail(`${label} hashes to ${diffId}, but the image config says ${layer.diffId}`);
  const named = DIGEST_NAME.exec(layer.member);
  const storedDigest = blobDigest ?? diffId;
  if (named && `sha256:${named[1]}` !== storedDigest) opts.fail(`${label} is named by a digest its bytes do not have (they hash to ${storedDigest})`);
  return { ...result, compression: opts.plainDir ? 'none' : compression, ...(opts.plainDir ? {} : { blobDigest }) };
}

async function sniffRange(layer: StoredLayer): Promise<Compressor> {
  if (layer.size < 4) return 'none';
  const head = Buffer.alloc(4);
  const fh = await fs.promises.open(layer.file, 'r');
  await fh.read(head, 0, 4, layer.offset).finally(() => fh.close());
  return sniffCompression(head);
}
