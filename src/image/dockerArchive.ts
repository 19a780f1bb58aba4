// The docker-archive writer, in one pass.
//
// A docker-archive is a tar of layer tars, `<config digest>.json` and manifest.json.
// The outer tar needs each layer's size before its bytes; nixpkgs' streamer tars every
// layer twice (once to learn size and digest). We learn the size up front from lstat
// (PlannedTar) and name each layer member by a key we know before writing it instead
// of by its digest, so every layer is read and tarred exactly once; its diff_id is
// hashed on the way through and lands in the config, which comes after the layers.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { encodeFileHeader, endOfArchive, padding } from '../tar/index.ts';
import { FLUSH, type Flush } from '../compress/index.ts';
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
}

export interface ArchiveResult {
  configDigest: string; // sha256:<hex>
  configMember: string;
  repoTag: string;
  layers: (LayerRecord & { member: string; size: number })[];
  manifest: Buffer;
  config: Buffer;
}

export interface ArchiveOptions {
  layers: Iterable<ArchiveLayer> | AsyncIterable<ArchiveLayer>;
  mtime: number;
  /** Builds the image config once every diff_id is known. */
  makeConfig(layers: LayerRecord[]): Record<string, unknown>;
  /** The repo tag, which may derive from the config digest (tag = null). */
  repoTag(configDigestHex: string): string;
  onLayer?(index: number, layer: ArchiveLayer): void;
  onDone?(result: ArchiveResult): void;
}

/** Yields the bytes of a docker-archive. */
export async function* dockerArchive(opts: ArchiveOptions): AsyncGenerator<Uint8Array | Flush> {
  let offset = 0;
  const emit = (b: Uint8Array): Uint8Array => {
    offset += b.length;
    return b;
  };
  const records: ArchiveResult['layers'] = [];
  const written = new Map<string, string>(); // member → diff_id
  let index = 0;
  for await (const layer of opts.layers) {
    opts.onLayer?.(index++, layer);
    const seen = written.get(layer.member);
    if (seen !== undefined) {
      records.push({ diffId: seen, paths: layer.paths, member: layer.member, size: layer.size });
      continue;
    }
    yield emit(encodeFileHeader({ name: layer.member, size: layer.size, mtime: opts.mtime }));
    yield FLUSH;
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of layer.chunks()) {
      hash.update(chunk);
      n += chunk.length;
      yield emit(chunk);
    }
    if (n !== layer.size) throw new Error(`layer ${layer.member}: wrote ${n} bytes, planned ${layer.size}`);
    yield FLUSH;
    yield emit(padding(n));
    const diffId = `sha256:${hash.digest('hex')}`;
    if (layer.diffId !== undefined && layer.diffId !== diffId) {
      throw new Error(`layer ${layer.member}: content hashes to ${diffId}, but the image config says ${layer.diffId}`);
    }
    written.set(layer.member, diffId);
    records.push({ diffId, paths: layer.paths, member: layer.member, size: layer.size });
  }

  const config = jsonBytes(opts.makeConfig(records));
  const configHex = sha256Hex(config);
  const configMember = `${configHex}.json`;
  yield* file(configMember, config);
  const repoTag = opts.repoTag(configHex);
  const manifest = manifestJson([{ Config: configMember, RepoTags: [repoTag], Layers: records.map((r) => r.member) }]);
  yield* file('manifest.json', manifest);
  yield emit(endOfArchive(offset));
  opts.onDone?.({ configDigest: `sha256:${configHex}`, configMember, repoTag, layers: records, manifest, config });

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
