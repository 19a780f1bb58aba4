// The OCI image layout archive (`oci-archive`, which skopeo and podman read): several
// platforms' images under one index, since a docker-archive holds one platform.
//
//   oci-layout                       {"imageLayoutVersion":"1.0.0"}
//   blobs/sha256/<hex>               layers (compressed as asked), configs, manifests
//   index.json                       one entry: the image index, tagged by
//                                    org.opencontainers.image.ref.name
//   blobs/sha256/<index hex>         the image index, one manifest per platform, then
//                                    the manifests attached to them (attestations)
//
// A blob's member name is its digest, which is known only after its bytes: unlike the
// docker-archive writer, each layer is therefore compressed into a staging directory
// first (hashed on the way: diff_id and blob digest), never held in memory, and the
// archive is written from the staged files. Layers shared by platforms (same member
// key) are staged and written once. Deterministic: same images, same bytes.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { compressStream } from '../compress/index.ts';
import { buildImageManifest, buildIndex, layerMediaType, type BuiltManifest, type Descriptor, type Platform } from '../registry/manifest.ts';
import type { Compressor } from '../spec/attributes.ts';
import { encodeFileHeader, endOfArchive, padding } from '../tar/index.ts';
import { jsonBytes, type LayerRecord } from './config.ts';
import type { ArchiveLayer } from './dockerArchive.ts';

export interface PlatformImage {
  platform: Platform;
  layers: ArchiveLayer[];
  makeConfig(layers: LayerRecord[]): Record<string, unknown> | Uint8Array;
}

export interface OciArchiveOptions {
  images: PlatformImage[];
  compressor: Compressor;
  /** The tag index.json names the index by (`org.opencontainers.image.ref.name`). */
  refName: string;
  mtime: number;
  /** Where blobs are staged; emptied by the caller. */
  stagingDir: string;
  onLayer?(platform: Platform, index: number, layer: ArchiveLayer): void;
  /**
   * Manifests about the images (BuildKit's attestation manifests), made once every image
   * is staged: their blobs go in the archive and their entries in the index after the images'.
   */
  attach?(images: StagedImage[]): Promise<Attachment[]>;
}

/** A manifest the index holds beside the images, with the blobs it names (small, in memory). */
export interface Attachment {
  blobs: { digest: string; mediaType: string; bytes: Uint8Array }[];
  manifest: BuiltManifest;
  /** Its entry in the index. */
  descriptor: Descriptor;
}

export interface StagedImage {
  platform: Platform;
  manifest: BuiltManifest;
  configDigest: string;
  /** The config's bytes, as staged. */
  config: Buffer;
  layers: (LayerRecord & { member: string; size: number; digest: string; compressedSize: number; cached: boolean })[];
}

export interface OciStaged {
  index: BuiltManifest;
  images: StagedImage[];
  /** What `attach` gave, in index order. */
  attached: Attachment[];
  /** Writes the archive's bytes from the staged blobs. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** A staged blob's bytes (layers are pushed from here). */
  openBlob(digest: string): AsyncIterable<Uint8Array>;
  /** The staged file of a layer blob (for the layer cache). */
  blobFile(digest: string): string | undefined;
}

interface StagedBlob {
  digest: string;
  size: number;
  file?: string;
  bytes?: Buffer;
}

/** Stages every blob (layers compressed, configs, manifests, the index) and returns the archive to write. */
export async function stageOciArchive(opts: OciArchiveOptions): Promise<OciStaged> {
  const blobs = new Map<string, StagedBlob>();
  const byMember = new Map<string, { diffId: string; digest: string; size: number; cached: boolean }>();
  const add = (b: StagedBlob) => blobs.has(b.digest) || blobs.set(b.digest, b);
  const small = (bytes: Buffer): string => {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    add({ digest, size: bytes.length, bytes });
    return digest;
  };
  const mediaType = layerMediaType('oci', opts.compressor);
  const images: StagedImage[] = [];
  let n = 0;
  for (const image of opts.images) {
    const records: StagedImage['layers'] = [];
    for (const [i, layer] of image.layers.entries()) {
      opts.onLayer?.(image.platform, i, layer);
      let staged = byMember.get(layer.member);
      if (!staged) {
        staged = await stageLayer(layer, opts.compressor, path.join(opts.stagingDir, `layer-${n++}`));
        byMember.set(layer.member, staged);
        add({ digest: staged.digest, size: staged.size, file: path.join(opts.stagingDir, `layer-${n - 1}`) });
      }
      records.push({ diffId: staged.diffId, paths: layer.paths, member: layer.member, size: layer.size, digest: staged.digest, compressedSize: staged.size, cached: staged.cached });
    }
    const made = image.makeConfig(records);
    const config = made instanceof Uint8Array ? Buffer.from(made) : jsonBytes(made);
    const configDigest = small(config);
    const layerDescriptors: Descriptor[] = records.map((r) => ({ mediaType, digest: r.digest, size: r.compressedSize }));
    const manifest = buildImageManifest('oci', { digest: configDigest, size: config.length }, layerDescriptors);
    small(Buffer.from(manifest.bytes));
    images.push({ platform: image.platform, manifest, configDigest, config, layers: records });
  }
  const attached = (await opts.attach?.(images)) ?? [];
  for (const a of attached) {
    for (const b of a.blobs) small(Buffer.from(b.bytes));
    small(Buffer.from(a.manifest.bytes));
  }
  const index = buildIndex('oci', [
    ...images.map((im) => ({ mediaType: im.manifest.mediaType, digest: im.manifest.digest, size: im.manifest.size, platform: im.platform })),
    ...attached.map((a) => a.descriptor),
  ]);
  small(Buffer.from(index.bytes));
  const top = jsonBytes({
    schemaVersion: 2,
    manifests: [{ mediaType: index.mediaType, digest: index.digest, size: index.size, annotations: { 'org.opencontainers.image.ref.name': opts.refName } }],
  });
  const openBlob = (digest: string): AsyncIterable<Uint8Array> => {
    const blob = blobs.get(digest);
    if (!blob) throw new Error(`${digest} is not a staged blob`);
    return blob.bytes ? (async function* () { yield blob.bytes!; })() : fs.createReadStream(blob.file!, { highWaterMark: 1 << 20 });
  };
  return { index, images, attached, chunks: () => writeArchive([...blobs.values()], top, opts.mtime), openBlob, blobFile: (d) => blobs.get(d)?.file };
}

/** Compresses one layer into `file`, hashing its plain bytes (diff_id) and the blob (digest). */
async function stageLayer(layer: ArchiveLayer, compressor: Compressor, file: string): Promise<{ diffId: string; digest: string; size: number; cached: boolean }> {
  const out = fs.createWriteStream(file);
  const digest = createHash('sha256');
  let size = 0;
  const write = async (chunks: AsyncIterable<Uint8Array>) => {
    for await (const chunk of chunks) {
      digest.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  };
  try {
    const cached = layer.cached;
    if (cached && cached.compression === compressor) {
      await write(cached.open());
      if (`sha256:${digest.digest('hex')}` !== cached.digest) throw new Error(`layer ${layer.member}: the cached blob does not hash to ${cached.digest}`);
      return { diffId: cached.diffId, digest: cached.digest, size, cached: true };
    }
    const plain = createHash('sha256');
    let n = 0;
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of layer.chunks()) {
        plain.update(chunk);
        n += chunk.length;
        yield chunk;
      }
    }
    await write(compressStream(hashed(), compressor));
    if (n !== layer.size) throw new Error(`layer ${layer.member}: wrote ${n} bytes, planned ${layer.size}`);
    const diffId = `sha256:${plain.digest('hex')}`;
    if (layer.diffId && layer.diffId !== diffId) throw new Error(`layer ${layer.member}: content hashes to ${diffId}, but the image config says ${layer.diffId}`);
    return { diffId, digest: `sha256:${digest.digest('hex')}`, size, cached: false };
  } catch (err) {
    out.destroy();
    throw err;
  }
}

async function* writeArchive(blobs: StagedBlob[], indexJson: Buffer, mtime: number): AsyncGenerator<Uint8Array> {
  let offset = 0;
  function* member(name: string, data: Buffer): Generator<Uint8Array> {
    const header = encodeFileHeader({ name, size: data.length, mtime });
    offset += header.length + data.length;
    yield header;
    yield data;
    const pad = padding(data.length);
    offset += pad.length;
    yield pad;
  }
  yield* member('oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' }));
  for (const blob of blobs) {
    const name = `blobs/sha256/${blob.digest.slice('sha256:'.length)}`;
    if (blob.bytes) {
      yield* member(name, blob.bytes);
      continue;
    }
    const header = encodeFileHeader({ name, size: blob.size, mtime });
    offset += header.length;
    yield header;
    let n = 0;
    for await (const chunk of fs.createReadStream(blob.file!, { highWaterMark: 1 << 20 })) {
      n += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (n !== blob.size) throw new Error(`${name}: staged ${n} bytes, expected ${blob.size}`);
    offset += n;
    const pad = padding(n);
    offset += pad.length;
    yield pad;
  }
  yield* member('index.json', indexJson);
  yield endOfArchive(offset);
}

