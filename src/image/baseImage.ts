// fromImage: a docker-archive (docker save, skopeo, dockerTools, ours), plain or
// compressed, read as hostile input: nothing is extracted, member names are keys,
// symlinks inside the archive are resolved only within it, and every layer's bytes
// are later copied by range and checked against the diff_id the config claims.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { decompressStream, ExpansionError, sniffCompression } from '../compress/index.ts';
import type { Compressor } from '../spec/attributes.ts';
import { UsageError } from '../spec/errors.ts';
import { checkLayers, type StoredLayer } from './layerCheck.ts';
import { indexTar, type TarMember } from './tarIndex.ts';

/** A layer of the image, checked against its diff_id (layerCheck.ts). */
export interface BaseLayer {
  /** The member name as the archive has it (for history comments). */
  member: string;
  diffId: string;
  file: string;
  offset: number;
  size: number;
  /** How the bytes at file/offset are compressed ('none' with `plainLayers`). */
  compression: Compressor;
  /** sha256 of the stored bytes when compressed (the blob to push as it is). */
  blobDigest?: string;
}

export interface BaseImage {
  /** The whole image config JSON of the chosen image. */
  config: Record<string, unknown>;
  /** Its exact bytes (pushing an archive keeps the image id). */
  configBytes: Buffer;
  layers: BaseLayer[];
  repoTags: string[];
}

export interface BaseImageOptions {
  workDir: string;
  /** Pick an image of a multi-image archive (buildImage's fromImageName/fromImageTag). */
  imageName?: string | null;
  imageTag?: string | null;
  attribute?: string;
  /** Compressed layers are decompressed into workDir: every layer is then a plain tar range. */
  plainLayers?: boolean;
}

export interface ManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * Opens a base image archive (decompressing it to a temporary file first when needed)
 * and checks every layer of the chosen image against its diff_id.
 */
export async function loadBaseImage(archive: string, opts: BaseImageOptions): Promise<BaseImage> {
  const opened = await openDockerArchive(archive, opts);
  const image = await readImageEntry(opened, pickImage(opened.entries, opts, opened.fail));
  const layers = await checkLayers(image.layers, { fail: opened.fail, plainDir: opts.plainLayers ? opts.workDir : undefined });
  return { ...image, layers };
}

/** A docker-archive opened for reading: its image entries, and its members by name (never extracted). */
export interface OpenedArchive {
  /** The uncompressed tar: the input itself, or its decompressed copy in the work directory. */
  file: string;
  /** What the input was compressed with. */
  compression: Compressor;
  entries: ManifestEntry[];
  has(name: string): boolean;
  /** The regular member a name leads to, following links only within the archive. */
  resolve(name: string): TarMember;
  readBytes(name: string): Promise<Buffer>;
  parseJson(name: string, buf: Buffer): unknown;
  /** Throws the input's error, naming the attribute and the file. */
  fail(why: string): never;
}

/** Indexes a docker-archive (or OCI layout archive) and reads its manifest; nothing is extracted. */
export async function openDockerArchive(archive: string, opts: { workDir: string; attribute?: string }): Promise<OpenedArchive> {
  const attribute = opts.attribute ?? 'fromImage';
  const fail = (why: string): never => {
    throw new UsageError(`attribute '${attribute}': ${archive}: ${why}`);
  };
  let file = archive;
  let compression: Compressor = 'none';
  try {
    const head = Buffer.alloc(4);
    const fh = await fsp.open(archive, 'r');
    await fh.read(head, 0, 4, 0).finally(() => fh.close());
    const kind = sniffCompression(head);
    compression = kind;
    if (kind !== 'none') {
      file = path.join(opts.workDir, `base-${path.basename(archive)}.tar`);
      const compressedSize = (await fsp.stat(archive)).size;
      await pipeline(Readable.from(decompressStream(fs.createReadStream(archive, { highWaterMark: 1 << 20 }), kind, { compressedSize, name: 'the archive' })), fs.createWriteStream(file));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') fail('no such file');
    if (err instanceof UsageError) throw err;
    if (err instanceof ExpansionError) fail(err.message);
    fail(`cannot read: ${(err as Error).message}`);
  }

  let members: TarMember[];
  try {
    members = await indexTar(file);
  } catch (err) {
    // The message may quote the file's bytes: control characters escaped, so it stays one line.
    return fail(`not a tar archive (${(err as Error).message.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1))})`);
  }
  const byName = new Map(members.map((m) => [m.name, m]));
  const resolve = (name: string): TarMember => {
    let current = path.posix.normalize(name.replace(/^\/+/, ''));
    for (let hops = 0; hops < 16; hops++) {
      if (current.startsWith('..')) fail(`member '${name}' points outside the archive`);
      const m = byName.get(current);
      if (!m) return fail(`member '${name}' is missing`);
      if (m.type === '0' || m.type === '7') return m;
      if (m.type === '1') current = path.posix.normalize(m.linkname.replace(/^(\.\/)+/, ''));
      else if (m.type === '2') current = path.posix.normalize(path.posix.join(path.posix.dirname(current), m.linkname));
      else return fail(`member '${name}' is not a file`);
    }
    return fail(`member '${name}': too many links`);
  };
  const readBytes = async (name: string): Promise<Buffer> => {
    const m = resolve(name);
    if (m.size > 64 << 20) fail(`'${name}' is too large`);
    const buf = Buffer.alloc(m.size);
    const fh = await fsp.open(file, 'r');
    await fh.read(buf, 0, m.size, m.offset).finally(() => fh.close());
    return buf;
  };
  const parseJson = (name: string, buf: Buffer): unknown => {
    try {
      return JSON.parse(buf.toString('utf8'));
    } catch {
      return fail(`'${name}' is not valid JSON`);
    }
  };
  const readJson = async (name: string): Promise<unknown> => parseJson(name, await readBytes(name));

  let entries: ManifestEntry[];
  if (byName.has('manifest.json')) {
    const raw = await readJson('manifest.json');
    if (!Array.isArray(raw) || raw.length === 0) fail('manifest.json lists no image');
    entries = raw as ManifestEntry[];
  } else if (byName.has('index.json')) {
    entries = await ociEntries(readJson, fail);
  } else {
    return fail('neither manifest.json nor index.json: not a docker-archive');
  }
  for (const e of entries) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) fail('manifest.json entry without Config/Layers');
  }
  return { file, compression, entries, has: (name) => byName.has(name), resolve, readBytes, parseJson, fail };
}

/**
 * One image of an opened archive: its config and layers (by byte range), their number
 * checked against the config's; their bytes are checked by loadBaseImage, or by the caller.
 */
export async function readImageEntry(opened: OpenedArchive, entry: ManifestEntry): Promise<Omit<BaseImage, 'layers'> & { layers: StoredLayer[] }> {
  const { file, resolve, readBytes, parseJson, fail } = opened;
  const configBytes = await readBytes(entry.Config);
  const config = parseJson(entry.Config, configBytes) as Record<string, unknown>;
  const diffIds = (config?.rootfs as { diff_ids?: unknown } | undefined)?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== entry.Layers.length) {
    fail(`config lists ${Array.isArray(diffIds) ? diffIds.length : 'no'} diff_ids for ${entry.Layers.length} layers`);
  }
  const layers = entry.Layers.map((name, i) => {
    const diffId = String((diffIds as unknown[])[i]);
    if (!/^sha256:[0-9a-f]{64}$/.test(diffId)) fail(`bad diff_id '${diffId}'`);
    const m = resolve(name);
    return { member: name, diffId, file, offset: m.offset, size: m.size };
  });
  return { config, configBytes, layers, repoTags: entry.RepoTags ?? [] };
}

function pickImage(entries: ManifestEntry[], opts: BaseImageOptions, fail: (why: string) => never): ManifestEntry {
  // As documented: both name and tag select an image; with only one (or none), the first image.
  if (!opts.imageName || !opts.imageTag) return entries[0]!;
  const wanted = `${opts.imageName}:${opts.imageTag}`;
  const found = entries.find((e) => (e.RepoTags ?? []).some((t) => t === wanted || t === `docker.io/${wanted}` || t === `docker.io/library/${wanted}`));
  if (found) return found;
  const held = entries.flatMap((e) => e.RepoTags ?? []).join(', ') || '(untagged images only)';
  return fail(`no image ${wanted} in the archive; it holds: ${held}`);
}

/** An OCI layout archive (index.json only): follow the index to Docker-style entries. */
async function ociEntries(readJson: (n: string) => Promise<unknown>, fail: (why: string) => never): Promise<ManifestEntry[]> {
  const blob = (digest: unknown): string => {
    const m = /^sha256:([0-9a-f]{64})$/.exec(String(digest));
    return m ? `blobs/sha256/${m[1]}` : fail(`bad digest '${String(digest)}'`);
  };
  const index = (await readJson('index.json')) as { manifests?: { digest: string; annotations?: Record<string, string> }[] };
  const out: ManifestEntry[] = [];
  for (const desc of index.manifests ?? []) {
    let manifest = (await readJson(blob(desc.digest))) as { manifests?: { digest: string }[]; config?: { digest: string }; layers?: { digest: string }[] };
    if (manifest.manifests) manifest = (await readJson(blob(manifest.manifests[0]?.digest))) as typeof manifest;
    if (!manifest.config || !manifest.layers) continue;
    const ref = desc.annotations?.['io.containerd.image.name'] ?? desc.annotations?.['org.opencontainers.image.ref.name'];
    out.push({ Config: blob(manifest.config.digest), RepoTags: ref?.includes(':') ? [ref] : [], Layers: manifest.layers.map((l) => blob(l.digest)) });
  }
  if (out.length === 0) fail('index.json lists no image');
  return out;
}
