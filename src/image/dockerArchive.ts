// The docker-archive writer, in one pass.
//
// A docker-archive is a tar of layer tars, `<config digest>.json` and manifest.json.
// The outer tar needs each layer's size before its bytes; nixpkgs' streamer tars every
// layer twice (once to learn size and digest). We learn the size up front from lstat
// (PlannedTar) and name each layer member by a key we know before writing it instead
// of by its digest, so every layer is read and tarred exactly once; its diff_id is
// hashed on the way through and lands in the config, which comes after the layers.

import { defaultHashPool, type HashPool } from '../util/hashPool.ts';
import fs from 'node:fs';
import { encodeFileHeader, endOfArchive, padding } from '../tar/index.ts';
import { FLUSH, type StreamItem } from '../compress/index.ts';
import type { Compressor } from '../spec/attributes.ts';
import { jsonBytes, manifestJson, sha256Hex, type LayerRecord } from './config.ts';

export interface ArchiveLayer {
  /** Member name in the archive, e.g. `<key>/layer.tar`. Layers with the same member are written once. */
  member: string;
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
  /** Known diff_id (base layers): verified against the bytes. */
  diffId?: string;
  /** History: the store paths it holds, or the base member. */
  paths: string[];
  /** Names the layer's compressed bytes for the layer cache (its key); unset: not cached. */
  cacheKey?: string;
  /** The layer as the cache holds it, compressed: used when the archive is compressed the same way. */
  cached?: CachedBlob;
}

export interface CachedBlob {
  compression: Compressor;
  diffId: string;
  digest: string;
  compressedSize: number;
  /** The blob; each chunk valid until the next is asked for (the archive writer's way). */
  chunks(): AsyncIterable<Uint8Array>;
  /** The blob in chunks a consumer may keep (an HTTP body). */
  open(): AsyncIterable<Uint8Array>;
}

export interface ArchiveResult {
  configDigest: string; // sha256:<hex>
  configMember: string;
  repoTag: string;
  layers: (LayerRecord & { member: string; size: number; cacheKey?: string; cached: boolean })[];
  manifest: Buffer;
  config: Buffer;
}

export interface ArchiveOptions {
  layers: Iterable<ArchiveLayer> | AsyncIterable<ArchiveLayer>;
  mtime: number;
  /** Builds the image config once every diff_id is known: a value (written as Python's json.dumps) or its exact bytes. */
  makeConfig(layers: LayerRecord[]): Record<string, unknown> | Uint8Array;
  /** The repo tag, which may derive from the config digest (tag = null). */
  repoTag(configDigestHex: string): string;
  onLayer?(index: number, layer: ArchiveLayer): void;
  /** Where layer digests are computed (worker threads by default). */
  hashes?: HashPool;
  /** How the consumer compresses the archive: cached layers compressed the same way pass straight through. */
  compressor?: Compressor;
  /** Counts the layers whose bytes were produced (tarred or copied) rather than taken from the cache. */
  onProduced?(layer: ArchiveLayer): void;
  onDone?(result: ArchiveResult): void;
}

/** Yields the bytes of a docker-archive. */
export async function* dockerArchive(opts: ArchiveOptions): AsyncGenerator<StreamItem> {
  let offset = 0;
  const emit = (b: Uint8Array): Uint8Array => {
    offset += b.length;
    return b;
  };
  const hashes = opts.hashes ?? defaultHashPool();
  // Digests finish on the workers while later layers stream; the config waits for all.
  const records: (Omit<ArchiveResult['layers'][number], 'diffId'> & { diffId: Promise<string> })[] = [];
  const written = new Map<string, Promise<string>>(); // member → diff_id
  let index = 0;
  for await (const layer of opts.layers) {
    opts.onLayer?.(index++, layer);
    const seen = written.get(layer.member);
    const record = { paths: layer.paths, member: layer.member, size: layer.size, cacheKey: layer.cacheKey };
    if (seen !== undefined) {
      records.push({ ...record, diffId: seen, cached: layer.cached !== undefined });
      continue;
    }
    yield emit(encodeFileHeader({ name: layer.member, size: layer.size, mtime: opts.mtime }));
    const cached = layer.cached;
    if (cached && opts.compressor === cached.compression) {
      // Straight from the cache: no tar, no hash, no compression.
      yield FLUSH;
      yield { precompressed: cached.compression, chunks: () => cached.chunks(), plain: () => layer.chunks() };
      offset += layer.size;
      yield FLUSH;
      yield emit(padding(layer.size));
      const diffId = Promise.resolve(cached.diffId);
      written.set(layer.member, diffId);
      records.push({ ...record, diffId, cached: true });
      continue;
    }
    opts.onProduced?.(layer);
    // The boundary names the layer's bytes, so their compressed form can be found in the output.
    yield { boundary: true, segment: layer.member };
    const hash = hashes.start();
    let n = 0;
    for await (const chunk of layer.chunks()) {
      const wait = hash.update(chunk);
      n += chunk.length;
      yield emit(chunk);
      if (wait) await wait;
    }
    if (n !== layer.size) throw new Error(`layer ${layer.member}: wrote ${n} bytes, planned ${layer.size}`);
    yield FLUSH;
    yield emit(padding(n));
    const expected = layer.diffId;
    const member = layer.member;
    const diffId = hash.digest().then((hex) => {
      const actual = `sha256:${hex}`;
      if (expected !== undefined && expected !== actual) {
        throw new Error(`layer ${member}: content hashes to ${actual}, but the image config says ${expected}`);
      }
      return actual;
    });
    diffId.catch(() => {}); // awaited below, after the last layer
    written.set(layer.member, diffId);
    records.push({ ...record, diffId, cached: false });
  }

  const done = await Promise.all(records.map(async (r) => ({ ...r, diffId: await r.diffId })));
  const made = opts.makeConfig(done);
  const config = made instanceof Uint8Array ? Buffer.from(made) : jsonBytes(made);
  const configHex = sha256Hex(config);
  const configMember = `${configHex}.json`;
  yield* file(configMember, config);
  const repoTag = opts.repoTag(configHex);
  const manifest = manifestJson([{ Config: configMember, RepoTags: [repoTag], Layers: done.map((r) => r.member) }]);
  yield* file('manifest.json', manifest);
  yield emit(endOfArchive(offset));
  opts.onDone?.({ configDigest: `sha256:${configHex}`, configMember, repoTag, layers: done, manifest, config });

  function* file(name: string, data: Buffer): Generator<Uint8Array> {
    yield emit(encodeFileHeader({ name, size: data.length, mtime: opts.mtime }));
    yield emit(data);
    yield emit(padding(data.length));
  }
}

/** A byte range of a file as a layer source (base layers are copied this way). */
export function fileRange(file: string, offset: number, size: number): () => AsyncIterable<Uint8Array> {
  return async function* () {
    if (size === 0) return;
    yield* fs.createReadStream(file, { start: offset, end: offset + size - 1, highWaterMark: 1 << 20 });
  };
}
