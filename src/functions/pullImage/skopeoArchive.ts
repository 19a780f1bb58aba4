// The docker-archive skopeo writes for `skopeo copy docker://... docker-archive:FILE:NAME:TAG`
// (containers/image docker/internal/tarfile), byte for byte. nixpkgs' pullImage hashes
// exactly these bytes, so existing `sha256`s only keep working if ours are the same.
//
// Members, in order (verified against skopeo 1.9 on these machines):
//   <diff_id hex>.tar            each distinct layer, uncompressed (a layer whose diff_id
//                                was already written is not written again)
//   <config digest hex>.json     the image config, the registry's bytes untouched
//   then per layer, bottom first, a legacy "v1 image" directory named by its id:
//   <id>/layer.tar               symlink -> ../<diff_id hex>.tar
//   <id>/VERSION                 `1.0`
//   <id>/json                    {"id", "parent"} (Go map: keys sorted); the top layer
//                                also carries architecture, config, container,
//                                container_config, created, docker_version, os from the
//                                config (compacted raw JSON; null when absent)
//   manifest.json                [{"Config","RepoTags":["<normalised name>:<tag>"],"Layers"}]
//   repositories                 {"<normalised name>":{"<tag>":"<top id>"}}
// Files are mode 0444, symlinks 0, uid/gid 0, mtime 0, Go's USTAR headers (goTar.ts).
//
// The legacy ids: chainID(1) = diff_id(1), chainID(n) = sha256("<chainID(n-1)> <diff_id(n)>")
// (docker's layer ChainID); id(n) = sha256 of the layer's json with `"layer_id": chainID(n)`
// added and `id` not yet set (Go's json.Marshal of the map).
//
// Layers stream from the registry into the file. A compressed layer's uncompressed size is
// only known at its end, so its header is written afterwards in the space kept for it
// (positional writes); the sha256 of the whole file is then read back once.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import { BLOCK, endOfArchive, goTarHeader, padding, type GoTarEntry } from './goTar.ts';
import { goMarshalMap, goMarshalStruct, rawMembers, RawJson } from './goJson.ts';
import { decompress, sniff, type Compression } from './decompress.ts';

export interface ArchiveLayerSource {
  /** The blob's digest in the manifest. */
  digest: string;
  /** The blob's size in the manifest. */
  size: number;
  /** The diff_id the image config names for this layer. */
  diffId: string;
  /** The blob's bytes, verified against `digest` as they stream (a mismatch throws at the end). */
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export interface ArchiveImage {
  config: Buffer;
  /** The config's digest (`sha256:<hex>`). */
  configDigest: string;
  layers: readonly ArchiveLayerSource[];
  /** Fully qualified name (`docker.io/library/nginx`) and tag, as skopeo normalises them. */
  repoName: string;
  repoTag: string;
  onLayer?(index: number, layer: ArchiveLayerSource, status: 'written' | 'reused'): void;
}

export interface WrittenLayer {
  digest: string;
  diffId: string;
  compression: Compression;
  /** Uncompressed size. */
  size: number;
  member: string;
}

export interface ArchiveResult {
  /** sha256 of the whole archive. */
  sha256: Buffer;
  size: number;
  layers: WrittenLayer[];
}

export class LayerMismatchError extends Error {
  override name = 'LayerMismatchError';
}

const hexOf = (digest: string): string => digest.slice(digest.indexOf(':') + 1);
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The legacy per-layer ids and `json` files (see the comment at the top). */
export function legacyLayers(diffIds: readonly string[], config: string): { id: string; json: string }[] {
  const members = rawMembers(config);
  const out: { id: string; json: string }[] = [];
  let chainId = '';
  for (const [i, diffId] of diffIds.entries()) {
    const layer: Record<string, string | RawJson | null> = {};
    if (out.length) layer.parent = out[out.length - 1]!.id;
    if (i === diffIds.length - 1) {
      for (const key of ['architecture', 'config', 'container', 'container_config', 'created', 'docker_version', 'os']) {
        const raw = members.get(key);
        layer[key] = raw === undefined ? null : new RawJson(raw);
      }
    }
    chainId = chainId === '' ? diffId : `sha256:${sha256Hex(`${chainId} ${diffId}`)}`;
    const id = sha256Hex(goMarshalMap({ ...layer, layer_id: chainId }));
    out.push({ id, json: goMarshalMap({ ...layer, id }) });
  }
  return out;
}

export function manifestJson(configMember: string, repoTags: readonly string[], layerMembers: readonly string[]): string {
  return goMarshalStruct([{ Config: configMember, RepoTags: repoTags, Layers: layerMembers }]);
}

export function repositoriesJson(repoName: string, tag: string, topId: string | undefined): string {
  return goMarshalMap(topId === undefined ? {} : { [repoName]: { [tag]: topId } });
}

/** Writes the archive to `file` (created or truncated). The caller renames or removes it. */
export async function writeSkopeoArchive(file: string, image: ArchiveImage): Promise<ArchiveResult> {
  const configText = image.config.toString('utf8');
  const legacy = legacyLayers(image.layers.map((l) => l.diffId), configText); // validates the config first
  const fh = await fsp.open(file, 'w', 0o644);
  const out = new PositionalWriter(fh);
  const layers: WrittenLayer[] = [];
  try {
    const written = new Map<string, WrittenLayer>(); // by diff_id hex
    const byBlob = new Map<string, WrittenLayer>(); // by blob digest
    for (const [index, layer] of image.layers.entries()) {
      const seen = byBlob.get(layer.digest) ?? written.get(hexOf(layer.digest));
      if (seen) {
        checkDiffId(index, layer, seen.diffId);
        layers.push(seen);
        image.onLayer?.(index, layer, 'reused');
        continue;
      }
      const w = await writeLayer(out, layer);
      checkDiffId(index, layer, w.diffId);
      const again = written.get(hexOf(w.diffId));
      if (again) {
        await out.truncate(w.start); // the same content under another compression: kept once
        layers.push(again);
        image.onLayer?.(index, layer, 'reused');
        continue;
      }
      const record: WrittenLayer = { digest: layer.digest, diffId: w.diffId, compression: w.compression, size: w.size, member: w.member };
      written.set(hexOf(w.diffId), record);
      byBlob.set(layer.digest, record);
      layers.push(record);
      image.onLayer?.(index, layer, 'written');
    }

    const configMember = `${hexOf(image.configDigest)}.json`;
    await out.write(fileMember(configMember, image.config));
    for (const [i, l] of legacy.entries()) {
      await out.write(goTarHeader({ name: `${l.id}/layer.tar`, type: 'symlink', size: 0, linkname: `../${layers[i]!.member}` }));
      await out.write(fileMember(`${l.id}/VERSION`, Buffer.from('1.0')));
      await out.write(fileMember(`${l.id}/json`, Buffer.from(l.json)));
    }
    const repoTag = `${image.repoName}:${image.repoTag}`;
    await out.write(fileMember('manifest.json', Buffer.from(manifestJson(configMember, [repoTag], layers.map((l) => l.member)))));
    await out.write(fileMember('repositories', Buffer.from(repositoriesJson(image.repoName, image.repoTag, legacy.at(-1)?.id))));
    await out.write(endOfArchive());
    await out.flush();
    await fh.sync();
  } finally {
    await fh.close();
  }
  const { sha256, size } = await hashFile(file);
  return { sha256, size, layers };
}

function checkDiffId(index: number, layer: ArchiveLayerSource, actual: string): void {
  if (actual !== layer.diffId) {
    throw new LayerMismatchError(
      `layer ${index + 1} (${layer.digest}): its uncompressed content has digest ${actual}, but the image config names diff_id ${layer.diffId}`,
    );
  }
}

function fileMember(name: string, data: Buffer): Buffer {
  return Buffer.concat([goTarHeader({ name, type: 'file', size: data.length }), data, padding(data.length)]);
}

/** One layer member: header, the uncompressed bytes, padding. */
async function writeLayer(
  out: PositionalWriter,
  layer: ArchiveLayerSource,
): Promise<{ start: number; diffId: string; size: number; member: string; compression: Compression }> {
  const start = out.pos;
  const { compression, chunks } = await sniff(await layer.open());
  if (compression === 'bzip2' || compression === 'xz') {
    throw new LayerMismatchError(`layer ${layer.digest} is ${compression}-compressed, which is not supported (gzip, zstd and uncompressed layers are)`);
  }
  const hash = createHash('sha256');
  let size = 0;
  if (compression === 'none') {
    // Size and name are known up front: the blob is the layer.
    const member = `${hexOf(layer.digest)}.tar`;
    await out.write(goTarHeader(entry(member, layer.size)));
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      await out.write(chunk);
    }
    await out.write(padding(size));
    return { start, diffId: `sha256:${hash.digest('hex')}`, size, member, compression };
  }
  await out.write(Buffer.alloc(BLOCK)); // the header goes here once the size is known
  for await (const chunk of decompress(compression, chunks)) {
    hash.update(chunk);
    size += chunk.length;
    await out.write(chunk);
  }
  const diffId = `sha256:${hash.digest('hex')}`;
  const member = `${hexOf(diffId)}.tar`;
  const header = goTarHeader(entry(member, size));
  if (header.length !== BLOCK) await out.shift(start + BLOCK, header.length - BLOCK); // ≥ 8 GiB: a PAX header too
  await out.writeAt(header, start);
  await out.write(padding(size));
  return { start, diffId, size, member, compression };
}

function entry(name: string, size: number): GoTarEntry {
  return { name, type: 'file', size };
}

/** Appends through a buffer (chunks are copied: a producer may reuse its buffers), and writes or moves bytes at earlier positions. */
export class PositionalWriter {
  static readonly CHUNK = 1 << 20;
  readonly #fh: FileHandle;
  readonly #buf = Buffer.allocUnsafe(PositionalWriter.CHUNK);
  #fill = 0;
  #flushed = 0;
  constructor(fh: FileHandle) {
    this.#fh = fh;
  }
  get pos(): number {
    return this.#flushed + this.#fill;
  }
  async write(chunk: Uint8Array): Promise<void> {
    for (let off = 0; off < chunk.length; ) {
      const n = Math.min(chunk.length - off, this.#buf.length - this.#fill);
      this.#buf.set(chunk.subarray(off, off + n), this.#fill);
      this.#fill += n;
      off += n;
      if (this.#fill === this.#buf.length) await this.flush();
    }
  }
  async flush(): Promise<void> {
    if (this.#fill === 0) return;
    await this.#writeAll(this.#buf.subarray(0, this.#fill), this.#flushed);
    this.#flushed += this.#fill;
    this.#fill = 0;
  }
  async writeAt(buf: Buffer, position: number): Promise<void> {
    await this.flush();
    await this.#writeAll(buf, position);
  }
  async truncate(position: number): Promise<void> {
    await this.flush();
    await this.#fh.truncate(position);
    this.#flushed = position;
  }
  /** Moves the bytes from `from` to the end `by` bytes further (from the end backwards). */
  async shift(from: number, by: number): Promise<void> {
    await this.flush();
    const buf = Buffer.alloc(PositionalWriter.CHUNK);
    for (let end = this.#flushed; end > from; ) {
      const n = Math.min(buf.length, end - from);
      const { bytesRead } = await this.#fh.read(buf, 0, n, end - n);
      if (bytesRead !== n) throw new Error('short read while moving layer data');
      await this.#writeAll(buf.subarray(0, n), end - n + by);
      end -= n;
    }
    this.#flushed += by;
  }
  async #writeAll(buf: Buffer, position: number): Promise<void> {
    for (let off = 0; off < buf.length; ) {
      const { bytesWritten } = await this.#fh.write(buf, off, buf.length - off, position + off);
      off += bytesWritten;
    }
  }
}

async function hashFile(file: string): Promise<{ sha256: Buffer; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest(), size };
}
