// dockerTools.exportImage: the filesystem of an image (a docker-archive, as docker save or
// dockerTools write it) as one uncompressed GNU tar, which `docker image import` takes.
// nixpkgs unpacks the layers in a VM, mounts them as overlayfs and tars the mount; here
// the layers are only indexed (image/flattenLayers.ts computes the final tree from their
// headers, refusing hostile members) and image/filesystemTar.ts streams that tree the way
// the VM's GNU tar writes it, file contents copied by range from the layers. No VM, no
// unpacking on the host, memory bounded by the number of entries, not their size:
// `diskSize` (the VM's disk) is accepted and checked for compatibility, and unused.

import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { loadBaseImage, type BaseImage } from '../image/baseImage.ts';
import { LayerContentError, LayerTree } from '../image/flattenLayers.ts';
import { filesystemTar, type FilesystemTarStats } from '../image/filesystemTar.ts';
import { indexTar } from '../image/tarIndex.ts';
import { DEFAULT_STORE_DIR, storeDir } from '../nix/index.ts';
import { toStorePath } from '../nix/storePath.ts';
import { SpecError, UsageError } from '../spec/errors.ts';
import type { Logger } from '../util/log.ts';
import { writeFileAtomic } from './deliver.ts';

/** The attributes as the spec parser gives them (src/spec/attributes.ts, `exportImage`). */
export interface ExportImageSpec {
  fn: 'exportImage';
  fromImage: string;
  fromImageName: string | null;
  fromImageTag: string | null;
  diskSize: number;
  name: string | null;
}

export interface ExportedLayer {
  member: string;
  diffId: string;
  /** Bytes of the layer as the archive holds it. */
  size: number;
}

export interface ExportImageResult {
  /** The output file (absolute). */
  archive: string;
  /** The exported image: its first RepoTag ("" parts when untagged) and config digest. */
  imageName: string;
  imageTag: string;
  configDigest: string;
  layers: ExportedLayer[];
  /** Members and bytes of the tar written. */
  members: number;
  bytes: number;
}

export interface ExportContext {
  workDir: string;
  log: Logger;
  /** The output file: written beside itself and renamed when complete, removed on failure. */
  out: string;
}

/**
 * The output's name: `name`, else fromImage's name as nixpkgs takes `fromImage.name`,
 * which only a derivation has: here a path that is (or links to) a store path, whose
 * name is the part after the hash. Any other path needs `name`, as in nixpkgs.
 */
export async function exportImageName(spec: ExportImageSpec): Promise<string> {
  if (spec.name !== null) {
    if (spec.name.includes('/') || spec.name === '.' || spec.name === '..') {
      throw new SpecError('name', `'${spec.name}' is not a file name (use --out for a path)`);
    }
    return spec.name;
  }
  let real: string;
  try {
    real = await fsp.realpath(spec.fromImage);
  } catch {
    throw new SpecError('fromImage', `${spec.fromImage}: no such file`);
  }
  const dir = await storeDir().catch(() => DEFAULT_STORE_DIR);
  if (toStorePath(real, dir) === real) return path.basename(real).slice(33);
  throw new SpecError('name', `is required when fromImage is a path outside the Nix store (${spec.fromImage}), as in dockerTools`);
}

/**
 * The base image, with an image that is not in the archive reported against fromImageName.
 * nixpkgs looks the selected image up but then unpacks `.[0].Layers` whatever it found;
 * the manual says the selection picks the image, so here it picks the layers too.
 */
async function loadImage(spec: ExportImageSpec, workDir: string): Promise<BaseImage> {
  try {
    return await loadBaseImage(spec.fromImage, { workDir, imageName: spec.fromImageName, imageTag: spec.fromImageTag, plainLayers: true });
  } catch (err) {
    const held = err instanceof UsageError ? /; it holds: (.*)$/.exec(err.message) : null;
    if (held) throw new SpecError('fromImageName', `no image ${spec.fromImageName}:${spec.fromImageTag} (fromImageName:fromImageTag) in ${spec.fromImage}; it holds: ${held[1]}`);
    throw err;
  }
}

/** Indexes every layer, bottom first, into the tree the image's filesystem is. */
async function flatten(base: BaseImage, spec: ExportImageSpec): Promise<LayerTree> {
  const tree = new LayerTree();
  for (const [i, layer] of base.layers.entries()) {
    const index = i + 1;
    // A plain tar range: loadBaseImage checked it and decompressed it if stored compressed (OCI layouts keep gzip).
    let members;
    try {
      members = await indexTar(layer.file, { offset: layer.offset, size: layer.size }, { text: 'latin1' });
    } catch (err) {
      throw new UsageError(`attribute 'fromImage': layer ${index} (${layer.member}) is not a tar (${(err as Error).message})`);
    }
    try {
      tree.apply(members, layer.file, `attribute 'fromImage': ${spec.fromImage}: layer ${index} (${layer.member})`);
    } catch (err) {
      if (err instanceof LayerContentError) throw new UsageError(err.message);
      throw err;
    }
  }
  return tree;
}

/** "name:tag" → its parts; a registry port (`host:5000/app`) is not a tag. */
function splitRepoTag(repoTag: string | undefined): { imageName: string; imageTag: string } {
  if (!repoTag) return { imageName: '', imageTag: '' };
  const colon = repoTag.lastIndexOf(':');
  if (colon === -1 || repoTag.indexOf('/', colon) !== -1) return { imageName: repoTag, imageTag: '' };
  return { imageName: repoTag.slice(0, colon), imageTag: repoTag.slice(colon + 1) };
}

export async function exportImage(spec: ExportImageSpec, ctx: ExportContext): Promise<ExportImageResult> {
  const { log, workDir } = ctx;
  if ((spec.fromImageName === null) !== (spec.fromImageTag === null)) {
    log.warn('fromImageName and fromImageTag select an image only together; exporting the first image of fromImage');
  }
  const base = await loadImage(spec, workDir);
  const tree = await log.group(`Indexing ${base.layers.length} layer(s) of ${spec.fromImage}`, () => flatten(base, spec));
  const stats: FilesystemTarStats = { members: 0, bytes: 0 };
  await log.group(`Writing ${ctx.out}`, () => writeFileAtomic(ctx.out, filesystemTar(tree.root, { stats })));
  return {
    archive: path.resolve(ctx.out),
    ...splitRepoTag(base.repoTags[0]),
    configDigest: `sha256:${crypto.createHash('sha256').update(base.configBytes).digest('hex')}`,
    layers: base.layers.map((l) => ({ member: l.member, diffId: l.diffId, size: l.size })),
    members: stats.members,
    bytes: stats.bytes,
  };
}
