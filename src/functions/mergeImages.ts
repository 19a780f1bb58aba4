// mergeImages: docker-archives → one docker-archive that `docker load` loads as all of
// their images (nixpkgs' dockerTools.mergeImages).
//
// nixpkgs extracts every input, copies the members over each other (the first of a name
// wins) and concatenates the manifests with jq. Here nothing is extracted: each input is
// indexed (src/image/baseImage.ts, hostile-input safe; a compressed input is decompressed
// to a temporary file first) and the members the manifests name are copied by byte range
// into one stream. What differs from nixpkgs, on purpose:
// - layers are shared by content (diff_id), not by member name: the same layer under two
//   names is written once, and two different layers under one name both survive (the
//   later one is renamed) instead of the first silently replacing the second;
// - only what `docker load` reads is copied (layers, configs, manifest.json, and the
//   legacy `repositories` when an input has one): an input's index.json/oci-layout would
//   describe only that input's images;
// - every layer is checked against the diff_id its config claims before anything is
//   written, so a lying input fails the merge instead of breaking another input's image;
// - an image listed twice (same config, same tags) is listed once.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { compressStream, decompressStream, FLUSH, sniffCompression, type StreamItem } from '../compress/index.ts';
import { openDockerArchive, readImageEntry, type OpenedArchive } from '../image/baseImage.ts';
import { jsonBytes, manifestJson, type ManifestEntry } from '../image/config.ts';
import { fileRange } from '../image/dockerArchive.ts';
import { dockerLoadLogged } from '../sinks/dockerLoad.ts';
import { checkLayers } from '../image/layerCheck.ts';
import { UsageError } from '../spec/errors.ts';
import type { Compressor } from '../spec/attributes.ts';
import { encodeFileHeader, endOfArchive, padding } from '../tar/index.ts';
import { defaultHashPool } from '../util/hashPool.ts';
import type { Logger } from '../util/log.ts';
import { makeTempDir, removeTempDir } from '../util/cleanup.ts';
import { writeFileAtomic } from './deliver.ts';

const ATTRIBUTE = 'images';
/** nixpkgs' derivation name; ours adds the ending of the compression. */
export const MERGED_NAME = 'merge-docker-images';
/** Member mtime: fixed, as in the project's other archives (1970-01-01T00:00:01Z). */
const MTIME = 1;
/** Names `docker load` (or an OCI reader) gives a meaning of their own: never used for a copied member. */
const RESERVED = new Set(['manifest.json', 'repositories', 'index.json', 'oci-layout']);

export interface MergeImagesSpec {
  fn: 'mergeImages';
  images: string[];
  /** null: as the last input is compressed (nixpkgs). */
  compressor: Compressor | null;
}

export interface MergedImage {
  /** The archive the image came from. */
  input: string;
  repoTags: string[];
  /** sha256 of its config: the image id `docker images --no-trunc` shows. */
  configDigest: string;
  /** Its config's member in the merged archive. */
  config: string;
  /** Its layers' diff_ids, bottom first. */
  layers: string[];
}

export interface MergedLayer {
  diffId: string;
  /** Member name in the merged archive. */
  member: string;
  /** Bytes of the member (compressed if the input held it compressed). */
  size: number;
  /** How the member's bytes are compressed (docker-archives hold plain layer tars, as a rule). */
  compression: Compressor;
  /** The inputs holding it: more than one for a shared layer, which is written once. */
  inputs: string[];
}

export interface MergeReport {
  function: 'mergeImages';
  archive: string;
  compressor: Compressor;
  images: MergedImage[];
  layers: MergedLayer[];
  /** Tags held by more than one image: `docker load` gives each to the last image listed. */
  tagConflicts: { tag: string; configDigests: string[] }[];
  loaded: string[];
}

export interface MergeOptions {
  out: string;
  load: boolean;
  /** A work directory is made (and removed) under it, for decompressed inputs. */
  tmpDir: string;
  log: Logger;
}

interface Source {
  file: string;
  offset: number;
  size: number;
}

interface PlannedLayer extends MergedLayer, Source {
  /** The input that supplies the bytes (for errors). */
  from: string;
}

interface PlannedConfig extends Source {
  member: string;
  digest: string;
}

type PlannedMember = { kind: 'layer'; layer: PlannedLayer } | { kind: 'config'; config: PlannedConfig } | { kind: 'bytes'; name: string; data: Buffer };

interface MergePlan {
  members: PlannedMember[];
  images: MergedImage[];
  layers: PlannedLayer[];
  tagConflicts: MergeReport['tagConflicts'];
}

/**
 * The output compression: the attribute, else the last input's (nixpkgs sniffs each
 * input's type and compresses as the last). Every input is checked to be a readable file
 * first, so a misspelt path fails before anything is read or written.
 */
export async function mergedCompressor(spec: MergeImagesSpec): Promise<Compressor> {
  let compression: Compressor = 'none';
  for (const input of spec.images) {
    const head = Buffer.alloc(4);
    try {
      if (!(await fsp.stat(input)).isFile()) throw new UsageError(`attribute '${ATTRIBUTE}': ${input}: not a file`);
      const fh = await fsp.open(input, 'r');
      await fh.read(head, 0, 4, 0).finally(() => fh.close());
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`attribute '${ATTRIBUTE}': ${input}: ${code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`}`);
    }
    compression = sniffCompression(head);
  }
  return spec.compressor ?? compression;
}

/** Writes the merged archive to `out` (complete or not at all), then loads it if asked. */
export async function mergeImages(spec: MergeImagesSpec, opts: MergeOptions): Promise<MergeReport> {
  const { log } = opts;
  const compressor = await mergedCompressor(spec);
  const workDir = await makeTempDir(opts.tmpDir, 'nix-docker-merge-');
  try {
    const plan = await planMerge(spec.images, workDir, log);
    const out = path.resolve(opts.out);
    await log.group(`Writing ${opts.out}`, () => writeFileAtomic(out, compressStream(mergedArchive(plan), compressor)));
    let loaded: string[] = [];
    if (opts.load) {
      // Docker reads gzip but not every engine reads a zstd archive: send it plain.
      loaded = await log.group('Loading into Docker', () => dockerLoadLogged(decompressStream(fs.createReadStream(out), compressor), log));
    }
    return {
      function: 'mergeImages',
      archive: out,
      compressor,
      images: plan.images,
      layers: plan.layers.map(({ diffId, member, size, compression, inputs }) => ({ diffId, member, size, compression, inputs })),
      tagConflicts: plan.tagConflicts,
      loaded,
    };
  } finally {
    await removeTempDir(workDir);
  }
}

/** A member name fit to copy: relative, plain segments, nothing `docker load` reads as metadata. */
function usableName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || RESERVED.has(name)) return false;
  return name.split('/').every((seg) => /^[A-Za-z0-9_.+-]+$/.test(seg) && seg !== '.' && seg !== '..');
}

async function planMerge(inputs: string[], workDir: string, log: Logger): Promise<MergePlan> {
  const members: PlannedMember[] = [];
  const images: MergedImage[] = [];
  const manifest: ManifestEntry[] = [];
  const layersByDiffId = new Map<string, PlannedLayer>();
  const configsByDigest = new Map<string, PlannedConfig>();
  // Output name → what it holds; a name is reused only for the same content.
  const names = new Map<string, string>();
  const seenImages = new Set<string>();
  const tagOwners = new Map<string, string[]>();
  const repositories = new Map<string, Map<string, string>>();
  let anyRepositories = false;

  const claim = (preferred: string, identity: string, fallback: (n: number) => string): string => {
    const candidates = usableName(preferred) ? [preferred] : [];
    for (let n = 0; ; n++) {
      const name = candidates[n] ?? fallback(n - candidates.length);
      const holder = names.get(name);
      if (holder === undefined || holder === identity) {
        names.set(name, identity);
        return name;
      }
    }
  };

  for (const [i, input] of inputs.entries()) {
    const dir = path.join(workDir, `input-${i}`);
    await fsp.mkdir(dir);
    const opened = await openDockerArchive(input, { workDir: dir, attribute: ATTRIBUTE });
    log.info(`Reading ${input}: ${opened.entries.length} image(s)${opened.compression === 'none' ? '' : ` (${opened.compression})`}`);

    for (const entry of opened.entries) {
      const listed = await readImageEntry(opened, entry);
      // Every layer checked against its diff_id before anything is written (compressed ones too).
      const image = { ...listed, layers: await checkLayers(listed.layers, { fail: opened.fail }) };
      const repoTags = repoTagsOf(entry, opened);
      const configDigest = `sha256:${createHash('sha256').update(image.configBytes).digest('hex')}`;
      const imageKey = `${configDigest} ${JSON.stringify(repoTags)}`;
      if (seenImages.has(imageKey)) {
        log.info(`${input}: ${repoTags.join(', ') || configDigest} is merged already`);
        continue;
      }
      seenImages.add(imageKey);

      const layerMembers: string[] = [];
      for (const l of image.layers) {
        let planned = layersByDiffId.get(l.diffId);
        if (!planned) {
          const hex = l.diffId.slice('sha256:'.length);
          const member = claim(opened.resolve(l.member).name, `layer ${l.diffId}`, (n) => (n === 0 ? `${hex}/layer.tar` : `${hex}-${n}/layer.tar`));
          planned = { diffId: l.diffId, member, size: l.size, compression: l.compression, inputs: [], file: l.file, offset: l.offset, from: input };
          layersByDiffId.set(l.diffId, planned);
          members.push({ kind: 'layer', layer: planned });
        }
        if (!planned.inputs.includes(input)) planned.inputs.push(input);
        layerMembers.push(planned.member);
      }

      let config = configsByDigest.get(configDigest);
      if (!config) {
        const hex = configDigest.slice('sha256:'.length);
        const m = opened.resolve(entry.Config);
        const member = claim(m.name, `config ${configDigest}`, (n) => (n === 0 ? `${hex}.json` : `${hex}-${n}.json`));
        config = { member, digest: configDigest, file: opened.file, offset: m.offset, size: m.size };
        configsByDigest.set(configDigest, config);
        members.push({ kind: 'config', config });
      }

      for (const tag of repoTags) {
        const owners = tagOwners.get(tag) ?? [];
        if (!owners.includes(configDigest)) owners.push(configDigest);
        tagOwners.set(tag, owners);
      }
      images.push({ input, repoTags, configDigest, config: config.member, layers: image.layers.map((l) => l.diffId) });
      manifest.push({ Config: config.member, RepoTags: repoTags, Layers: layerMembers });
    }

    if (opened.has('repositories')) {
      anyRepositories = true;
      mergeRepositories(repositories, opened.parseJson('repositories', await opened.readBytes('repositories')), opened);
    }
  }

  const tagConflicts = [...tagOwners].filter(([, owners]) => owners.length > 1).map(([tag, configDigests]) => ({ tag, configDigests }));
  for (const c of tagConflicts) log.warn(`${c.tag} is held by ${c.configDigests.length} different images; docker load gives it to the last (${c.configDigests[c.configDigests.length - 1]})`);

  if (anyRepositories) {
    const obj = Object.fromEntries([...repositories].map(([repo, tags]) => [repo, Object.fromEntries(tags)]));
    members.push({ kind: 'bytes', name: 'repositories', data: jsonBytes(obj) });
  }
  members.push({ kind: 'bytes', name: 'manifest.json', data: manifestJson(manifest) });
  return { members, images, layers: [...layersByDiffId.values()], tagConflicts };
}

function repoTagsOf(entry: { Config: string; RepoTags?: unknown }, opened: OpenedArchive): string[] {
  const tags = entry.RepoTags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t === '')) {
    return opened.fail(`manifest.json: the RepoTags of '${entry.Config}' are not a list of image names`);
  }
  return tags as string[];
}

/** `repositories` ({name: {tag: id}}) merged per tag, the later input winning (nixpkgs' jq `add` replaces a whole name). */
function mergeRepositories(into: Map<string, Map<string, string>>, value: unknown, opened: OpenedArchive): void {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) opened.fail(`'repositories' is not a JSON object`);
  for (const [repo, tags] of Object.entries(value as Record<string, unknown>)) {
    if (!isObject(tags) || Object.values(tags).some((id) => typeof id !== 'string')) opened.fail(`'repositories': '${repo}' does not map tags to ids`);
    const held = into.get(repo) ?? new Map<string, string>();
    for (const [tag, id] of Object.entries(tags as Record<string, string>)) held.set(tag, id);
    into.set(repo, held);
  }
}

/** The merged archive's bytes: each planned member in order, layers hashed on the way through. */
async function* mergedArchive(plan: MergePlan): AsyncGenerator<StreamItem> {
  let offset = 0;
  const emit = (b: Uint8Array): Uint8Array => {
    offset += b.length;
    return b;
  };
  const hashes = defaultHashPool();
  const checks: Promise<void>[] = [];
  for (const m of plan.members) {
    if (m.kind === 'bytes') {
      yield emit(encodeFileHeader({ name: m.name, size: m.data.length, mtime: MTIME }));
      yield emit(m.data);
      yield emit(padding(m.data.length));
      continue;
    }
    if (m.kind === 'config') {
      const c = m.config;
      const data = Buffer.alloc(c.size);
      const fh = await fsp.open(c.file, 'r');
      await fh.read(data, 0, c.size, c.offset).finally(() => fh.close());
      if (`sha256:${createHash('sha256').update(data).digest('hex')}` !== c.digest) throw new Error(`${c.member}: the input changed while it was merged`);
      yield emit(encodeFileHeader({ name: c.member, size: c.size, mtime: MTIME }));
      yield emit(data);
      yield emit(padding(c.size));
      continue;
    }
    const l = m.layer;
    const bytes = fileRange(l.file, l.offset, l.size);
    yield emit(encodeFileHeader({ name: l.member, size: l.size, mtime: MTIME }));
    // Boundaries around the layer keep it a run of whole gzip members / zstd frames of its own.
    yield { boundary: true, segment: l.member };
    // Checked when planned (checkLayers); plain ones again on the way, against a change since.
    const hash = l.compression === 'none' ? hashes.start() : undefined;
    let n = 0;
    for await (const chunk of bytes()) {
      n += chunk.length;
      const wait = hash?.update(chunk);
      yield emit(chunk);
      if (wait) await wait;
    }
    if (n !== l.size) throw new Error(`${l.from}: layer ${l.member}: read ${n} bytes, expected ${l.size}`);
    if (hash) {
      const check = hash.digest().then((hex) => diffIdCheck(l, hex));
      check.catch(() => {}); // awaited below, before manifest.json
      checks.push(check);
    }
    yield FLUSH;
    yield emit(padding(l.size));
  }
  await Promise.all(checks);
  yield emit(endOfArchive(offset));
}

function diffIdCheck(l: PlannedLayer, hex: string): void {
  if (`sha256:${hex}` !== l.diffId) {
    // Checked when planned: the input changed under us since.
    throw new UsageError(`attribute '${ATTRIBUTE}': ${l.from}: layer '${l.member}' changed while it was merged (it hashes to sha256:${hex} now, its image config says ${l.diffId})`);
  }
}
