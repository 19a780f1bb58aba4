/**
 * buildImage / buildImageWithNixDb: the base image's layers, then one new layer.
 *
 * What nixpkgs does (pkgs/build-support/docker/default.nix, buildImage, mkPureLayer,
 * mkRootLayer, runWithOverlay; read at amansakhuja/nixpkgs5@81babd460f93197c19601d6f4d20650bcf2c643e,
 * a current nixpkgs copy, checked against NixOS/nixpkgs@34b7a306c35b279929eebbdb43af071fd92d0d4b):
 *
 * 1. The layer directory: copyToRoot (or the deprecated contents, with a warning; not
 *    both) merged into it with rsync (buildImage/copyToRoot.ts); then, with runAsRoot,
 *    the script in a VM over the base layers (buildImage/runAsRoot.ts), whose upper
 *    directory becomes the layer (buildImage/vmLayer.ts); then extraCommands in it,
 *    after includeNixDB's mkDbExtraCommand (a Nix db of the closure of copyToRoot, and
 *    gcroots/docker links to its items). When there is only the copy, the directory is
 *    planned in memory and the tar reads the store's files (buildImage/copyPlan.ts).
 * 2. The layer tar, then the closure appended to it (buildImage/layerTar.ts). The closure
 *    is that of the layer derivation's output (`writeClosure [ layer ]`): the store paths
 *    the layer's files mention (Nix's reference scan; copyToRoot's own store paths only
 *    if mentioned) and those in the config (the layer output's `json` holds the config).
 *    Files a base layer or the layer already holds are left out.
 * 3. The image: base layers byte for byte, the new layer; config and `created` as
 *    buildImage/imageJson.ts says; tag = null takes a tag derived from the config
 *    (nixpkgs: the output hash).
 *
 * fromImageName/fromImageTag pick the image of a multi-image archive as the manual says
 * (nixpkgs' code takes the first image's layers and Env whatever they say). The passthru
 * dockerTools gives the result (imageTag, buildArgs, layer) is on the plan: `layerFile`
 * is written as the archive streams through it, and kept once the archive is delivered.
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { BuildImageSpec } from '../spec/index.ts';
import { SpecError, UsageError } from '../spec/errors.ts';
import { loadBaseImage, type BaseImage } from '../image/baseImage.ts';
import { contentTag } from '../image/config.ts';
import { fileRange, type ArchiveLayer } from '../image/dockerArchive.ts';
import { indexTar } from '../image/tarIndex.ts';
import type { PlannedTar } from '../model.ts';
import { closureGraph, invalidPaths, NixPathError, parseInstallable, realiseDetailed, requireValidPaths, storePathsInConfig, storePathsInValue, writeNixDb } from '../nix/index.ts';
import { run } from '../nix/exec.ts';
import { followIntoStore } from '../nix/realise.ts';
import { requireTool, runScript } from '../custom/run.ts';
import { findStoreRefs, storeRefsInTree } from '../custom/storeRefs.ts';
import { SOURCE_DATE_EPOCH } from '../custom/index.ts';
import type { BuildContext, ImagePlan } from './layeredImage.ts';
import { installableFor } from '../image/platform.ts';
import { requireSystem } from '../nix/systemCheck.ts';
import { copyToRoot } from './buildImage/copyToRoot.ts';
import { copyTreeContents, copyTreeMembers, planCopy } from './buildImage/copyPlan.ts';
import { buildImageConfig, buildImageConfigBytes, createdValue } from './buildImage/imageJson.ts';
import { concatTars, lsTarName, planClosureAppend, planLayerTree, sandboxOwner, type EntryInfo, type LayerTree } from './buildImage/layerTar.ts';
import { requireVm, runAsRoot } from './buildImage/runAsRoot.ts';
import { extractVmLayer, VmLayerError } from './buildImage/vmLayer.ts';
import { removeOnSignal } from '../util/cleanup.ts';

export interface BuildImagePlan extends ImagePlan {
  /** dockerTools' passthru.layer: the new layer's tar (see commitLayer); null when not kept. */
  layerFile: string | null;
  /**
   * Puts the layer tar, written as the archive streamed through it, at `layerFile`; call
   * once the archive is delivered (dispose() removes an uncommitted one).
   */
  commitLayer(): Promise<void>;
  /** dockerTools' passthru.buildArgs. */
  buildArgs: Record<string, unknown>;
}

export interface BuildImageOptions {
  /** Where to keep the new layer's tar (passthru.layer). */
  layerFile?: string | null;
  /** Copy copyToRoot into a directory even when nothing changes it after (tests compare the two ways). */
  copyOnDisk?: boolean;
}

export function isBuildImagePlan(plan: ImagePlan): plan is BuildImagePlan {
  return 'layerFile' in plan && 'buildArgs' in plan;
}

/** Where the CLI and the action keep the layer tar: beside the archive, `<name>-layer.tar`. */
export function layerFileFor(archive: string): string {
  return path.resolve(`${archive.replace(/(\.tar(\.gz|\.zst)?|\.tgz)$/, '')}-layer.tar`);
}

/** The passthru attributes for reports (--json). */
export function buildImagePassthru(plan: BuildImagePlan, imageTag: string): Record<string, unknown> {
  return { imageTag, buildArgs: plan.buildArgs, layer: plan.layerFile };
}

export async function planBuildImage(spec: BuildImageSpec, ctx: BuildContext, opts: BuildImageOptions = {}): Promise<BuildImagePlan> {
  const { log } = ctx;
  // What can be checked without building is checked first.
  const attribute = spec.copyToRoot === null && spec.contents !== null ? 'contents' : 'copyToRoot';
  if (spec.contents !== null) {
    if (spec.copyToRoot !== null) throw new SpecError('contents', 'cannot be given together with copyToRoot (contents is its deprecated name)');
    log.warn(
      `in docker image ${spec.name}: The contents parameter is deprecated. Change to copyToRoot if the contents are designed to be copied to the root filesystem.`,
    );
  }
  const created = createdValue(spec.created, ctx.now);
  buildImageConfig({ created, architecture: spec.architecture, config: spec.config, baseEnv: null, diffIds: [] }); // validates config.Env
  if (spec.fromImage === null && (spec.fromImageName !== null || spec.fromImageTag !== null)) {
    log.warn('fromImageName and fromImageTag have no effect without fromImage');
  } else if (spec.fromImage !== null && (spec.fromImageName === null) !== (spec.fromImageTag === null)) {
    log.warn('fromImageName and fromImageTag select an image only together; using the first image of fromImage');
  }
  if (spec.runAsRoot !== null) {
    await requireVm();
    if (spec.uid !== 0 || spec.gid !== 0) log.warn('uid and gid apply only without runAsRoot (as in dockerTools); the owners are those the script leaves');
  }
  const base = spec.fromImage === null ? null : await loadBase(spec, ctx.workDir);

  const platform = ctx.platform;
  const given = (spec.copyToRoot ?? spec.contents ?? []).map((item) => (platform ? installableFor(item, platform) : item));
  const items = await log.group('Realising copyToRoot', () => attributeErrors(attribute, () => realiseDirectories(given, ctx)));
  const configRefs = await attributeErrors('config', () => storePathsInConfig(spec.config ?? {}, 'config', ctx.storeDir));
  if (platform) {
    // One platform of a multi-platform image: what it copies must run there.
    await attributeErrors(attribute, () => requireSystem(items.storePaths, platform.system, () => attribute));
    await attributeErrors('config', () => requireSystem(configRefs, platform.system, () => 'config'));
  }
  const variant = platform?.variant;

  const tmp = await fsp.mkdtemp(path.join(ctx.workDir, 'build-image-'));
  const dispose = async (): Promise<void> => {
    await removeTree(tmp);
    if (opts.layerFile) await fsp.rm(partialName(opts.layerFile), { force: true });
  };
  try {
    const layer = await log.group('Building the layer', async () => {
      if (onlyCopied(spec, items) && !opts.copyOnDisk) return plannedLayer(spec, ctx, items, attribute);
      return diskLayer(await buildLayerDir(spec, ctx, { tmp, items, attribute, base }), ctx);
    });
    const closure = await log.group('Finding the closure', async () => {
      const refs = [...new Set([...(await layer.storeRefs()), ...configRefs])];
      const invalid = new Set(await invalidPaths(refs));
      return (await closureGraph(refs.filter((r) => !invalid.has(r)))).map((n) => n.path);
    });
    const tree = layer.tree;
    const present = new Set(tree.names);
    if (closure.length > 0) for (const name of await baseFiles(base)) present.add(name);
    const append = planClosureAppend(closure, present, SOURCE_DATE_EPOCH);
    const tar = concatTars([
      { members: tree.members, opts: { dialect: 'gnu', longLinkOwner: layer.longLinkOwner } },
      { members: append.members, opts: { dialect: 'gnu', longLinkOwner: 'root' } },
    ]);
    log.info(`new layer: ${tree.members.length} entries, then ${append.members.length} from ${append.storePaths.length} store path(s) of the closure`);

    // The member's name, known before its bytes: what decides the layer's content.
    const { keepContentsDirlinks, runAsRoot: script, extraCommands, uid, gid, includeNixDB } = spec;
    const inputs = { keepContentsDirlinks, script, extraCommands, uid, gid, includeNixDB, items: items.paths, base: base?.layers.map((l) => l.diffId) };
    const key = createHash('sha256').update(JSON.stringify({ format: 'buildImage/1', inputs, closure, size: tar.size })).digest('hex');
    const layers: ArchiveLayer[] = (base?.layers ?? []).map((l) => ({
      member: `${l.diffId.slice('sha256:'.length)}/layer.tar`,
      size: l.size,
      chunks: fileRange(l.file, l.offset, l.size),
      diffId: l.diffId,
      paths: [l.member],
    }));
    const layerFile = opts.layerFile ?? null;
    let kept = false;
    const chunks = (): AsyncIterable<Uint8Array> =>
      layerFile === null ? tar.chunks() : keepCopy(tar, partialName(layerFile), () => (kept = true));
    layers.push({ member: `${key}/layer.tar`, size: tar.size, chunks, paths: append.storePaths });

    const imageName = spec.name.toLowerCase();
    const imageTag = (hex: string): string => spec.tag ?? contentTag(hex);
    const baseEnv = (base?.config.config as Record<string, unknown> | undefined)?.Env;
    return {
      imageName,
      tag: spec.tag,
      mtime: SOURCE_DATE_EPOCH,
      layers,
      storeLayers: [],
      makeConfig: (records) => buildImageConfigBytes({ created, architecture: spec.architecture, ...(variant ? { variant } : {}), config: spec.config, baseEnv, diffIds: records.map((r) => r.diffId) }),
      repoTag: (hex) => `${imageName}:${imageTag(hex)}`,
      imageTag,
      dispose,
      layerFile,
      buildArgs: spec.buildArgs,
      commitLayer: async () => {
        if (layerFile === null) return;
        if (!kept) throw new Error('the layer tar was not written completely');
        await fsp.rename(partialName(layerFile), layerFile);
      },
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** The new layer's members before the closure, and the store paths they mention. */
interface LayerContent {
  tree: LayerTree;
  longLinkOwner: string;
  storeRefs(): Promise<string[]>;
}

/**
 * Whether the layer is copyToRoot's copy and nothing else: none of buildLayerDir's later
 * steps (runAsRoot, the Nix database, extraCommands) writes into it. Then it is planned
 * in memory and its files are read from the store (buildImage/copyPlan.ts); -K, which
 * resolves links in the layer as it is made, is still copied on disk.
 */
function onlyCopied(spec: BuildImageSpec, items: Realised): boolean {
  return (
    spec.runAsRoot === null &&
    spec.extraCommands.trim() === '' &&
    !(spec.includeNixDB && items.storePaths.length > 0) &&
    !spec.keepContentsDirlinks
  );
}

function plannedLayer(spec: BuildImageSpec, ctx: BuildContext, items: Realised, attribute: string): LayerContent {
  const copy = planCopy(items.paths, attribute);
  return {
    tree: copyTreeMembers(copy, SOURCE_DATE_EPOCH, sandboxOwner(spec.uid, spec.gid)),
    longLinkOwner: 'root',
    storeRefs: () => {
      const { texts, files } = copyTreeContents(copy);
      return storeRefsInTree(texts, files, ctx.storeDir);
    },
  };
}

function diskLayer(layer: LayerDir, ctx: BuildContext): LayerContent {
  return {
    tree: planLayerTree(layer.root, SOURCE_DATE_EPOCH, layer.info),
    longLinkOwner: layer.longLinkOwner,
    storeRefs: () => findStoreRefs(layer.root, ctx.storeDir),
  };
}

interface LayerDir {
  root: string;
  info: (st: fs.Stats) => EntryInfo;
  longLinkOwner: string;
}

interface Realised {
  /** What each item names: a store path or a path below one. */
  paths: string[];
  storePaths: string[];
}

async function buildLayerDir(
  spec: BuildImageSpec,
  ctx: BuildContext,
  s: { tmp: string; items: Realised; attribute: string; base: BaseImage | null },
): Promise<LayerDir> {
  const { log } = ctx;
  let root = path.join(s.tmp, 'layer');
  await fsp.mkdir(root, 0o755);
  await fsp.chmod(root, 0o755);
  copyToRoot(s.items.paths, root, { keepDirlinks: spec.keepContentsDirlinks, attribute: s.attribute });

  let layer: LayerDir;
  if (spec.runAsRoot === null) {
    const owner = sandboxOwner(spec.uid, spec.gid);
    layer = { root, info: () => ({ owner }), longLinkOwner: 'root' };
  } else {
    if (s.items.paths.length === 0) await fsp.chmod(root, 0o755);
    const scriptRefs = storePathsInValue(spec.runAsRoot, ctx.storeDir);
    await attributeErrors('runAsRoot', () => requireValidPaths(scriptRefs, 'runAsRoot', 'Build them first.'));
    const roots = [...new Set([...s.items.storePaths, ...scriptRefs, ...(await findStoreRefs(root, ctx.storeDir))])];
    const invalid = new Set(await invalidPaths(roots));
    const storePaths = (await closureGraph(roots.filter((r) => !invalid.has(r)))).map((n) => n.path);
    const tarFile = await runAsRoot({
      script: spec.runAsRoot,
      baseLayers: s.base?.layers ?? [],
      layerDir: root,
      storePaths,
      storeDir: ctx.storeDir,
      diskSizeMiB: spec.diskSize,
      memoryMiB: spec.buildVMMemorySize,
      workDir: s.tmp,
      log,
      kvm: ctx.kvm,
    });
    try {
      const extracted = await extractVmLayer(tarFile, path.join(s.tmp, 'root'));
      root = extracted.root;
      layer = { root, info: extracted.info, longLinkOwner: '' };
    } catch (err) {
      if (err instanceof VmLayerError) throw new Error(`runAsRoot: ${err.message} (if the VM ran out of room, raise diskSize)`);
      throw err;
    }
    await fsp.rm(tarFile, { force: true });
  }

  if (spec.includeNixDB && s.items.storePaths.length > 0) {
    log.info('Generating the nix database...');
    const closure = (await closureGraph(s.items.storePaths)).map((n) => n.path);
    await writeNixDb(closure, root, { gcRoots: s.items.paths });
  }
  if (spec.extraCommands.trim() !== '') {
    const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: String(SOURCE_DATE_EPOCH), TZ: 'UTC', extraCommands: spec.extraCommands };
    const bash = await requireTool('bash', env.PATH, 'extraCommands');
    await runScript({
      label: 'extraCommands',
      argv: [bash, '-e', '-c', 'umask 022; set -o pipefail; shopt -s nullglob; eval "$extraCommands"'],
      cwd: root,
      env,
      log,
    });
  }
  return layer;
}

/** The base image, with an image that is not in the archive reported against fromImageName/fromImageTag. */
async function loadBase(spec: BuildImageSpec, workDir: string): Promise<BaseImage> {
  try {
    return await loadBaseImage(spec.fromImage!, { workDir, imageName: spec.fromImageName, imageTag: spec.fromImageTag, plainLayers: true });
  } catch (err) {
    const held = err instanceof UsageError ? /; it holds: (.*)$/.exec(err.message) : null;
    if (held) {
      const which = spec.fromImageName && spec.fromImageTag ? 'fromImageName' : 'fromImage';
      throw new SpecError(which, `no image ${spec.fromImageName}:${spec.fromImageTag} (fromImageName:fromImageTag) in ${spec.fromImage}; it holds: ${held[1]}`);
    }
    throw err;
  }
}

/** Every name the base layers hold, as ls_tar prints it. */
async function baseFiles(base: BaseImage | null): Promise<string[]> {
  const names: string[] = [];
  for (const l of base?.layers ?? []) {
    let members;
    try {
      members = await indexTar(l.file, { offset: l.offset, size: l.size });
    } catch (err) {
      throw new UsageError(`attribute 'fromImage': layer ${l.member} is not a plain tar (${(err as Error).message})`);
    }
    for (const m of members) {
      const n = lsTarName(m.name);
      if (n !== '') names.push(n);
    }
  }
  return names;
}

/**
 * copyToRoot items → the directories to copy. Store paths, links into the store,
 * installables as everywhere; a plain local directory is added to the store first, as
 * Nix does with a path value (`copyToRoot = ./root;`).
 */
async function realiseDirectories(items: readonly string[], ctx: BuildContext): Promise<Realised> {
  const named: string[] = [];
  for (const item of items) {
    const parsed = parseInstallable(item, ctx.storeDir);
    const local = parsed.kind === 'local' ? path.resolve(parsed.path) : null;
    if (local !== null && (await followIntoStore(local, ctx.storeDir)) === undefined && (await isDirectory(local))) {
      ctx.log.info(`adding ${item} to the Nix store`);
      named.push((await run('nix-store', ['--add', local])).trim());
    } else named.push(item);
  }
  const done = await realiseDetailed(named, ctx.log, ctx.platform ? { system: ctx.platform.system } : {});
  return { paths: done.flatMap((r) => r.paths), storePaths: [...new Set(done.flatMap((r) => r.storePaths))] };
}

async function isDirectory(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    (st) => st.isDirectory(),
    () => false,
  );
}

/** Nix path errors (not a store path, cannot be built) become errors naming the attribute. */
async function attributeErrors<T>(attribute: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NixPathError) throw new SpecError(attribute, err.message.split('\n')[0]!);
    throw err;
  }
}

const partialName = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);

/**
 * The layer's bytes, also written to `file` as they pass (each chunk before the next is
 * asked for: the tar writer reuses its buffers); `done` is called once all went through.
 */
async function* keepCopy(tar: PlannedTar, file: string, done: () => void): AsyncGenerator<Uint8Array> {
  const fd = fs.openSync(file, 'w');
  // Registered until the process ends: renamed by commitLayer, or removed by a signal (rm -f of a name gone is harmless).
  removeOnSignal(file);
  try {
    for await (const chunk of tar.chunks()) {
      fs.writeSync(fd, chunk);
      yield chunk;
    }
  } finally {
    fs.closeSync(fd);
  }
  done();
}

/** Removes a tree even where directories are read-only (store modes, 0555). */
async function removeTree(dir: string): Promise<void> {
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch {
    const unlock = async (d: string): Promise<void> => {
      await fsp.chmod(d, 0o700).catch(() => {});
      for (const e of await fsp.readdir(d, { withFileTypes: true }).catch(() => [])) {
        if (e.isDirectory()) await unlock(path.join(d, e.name));
      }
    };
    await unlock(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
