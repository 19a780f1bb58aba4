// streamLayeredImage / buildLayeredImage: spec → the ordered layers of the image and the
// functions that finish its config once the layers' digests are known. Writing the
// archive (stdout, file, docker load) is the job of src/functions/deliver.ts.

import { createHash } from 'node:crypto';
import type { Logger } from '../util/log.ts';
import type { LayeredImageSpec } from '../spec/index.ts';
import { epochSeconds } from '../spec/index.ts';
import { toDate } from '../spec/parse.ts';
import { loadBaseImage } from '../image/baseImage.ts';
import { contentTag, formatCreated, imageConfig, type LayerRecord } from '../image/config.ts';
import { sortKeysDeep } from '../image/pyjson.ts';
import { SpecError } from '../spec/errors.ts';
import { fileRange, type ArchiveLayer } from '../image/dockerArchive.ts';
import { planStoreLayer } from '../tar/index.ts';
import { availableLayers, nixpkgsImageRoots, parseLayeringStrategy, planLayers } from '../layering/index.ts';
import { closureCovers, closureGraph, NixPathError, realise, storePathsInConfig, writeNixDb } from '../nix/index.ts';
import { buildCustomisationLayer, CustomisationError, ScriptError } from '../custom/index.ts';
import type { Ownership } from '../model.ts';
import type { LayerCache } from '../cache/index.ts';
import type { KvmMode } from '../vm/index.ts';
import { installableFor, type TargetPlatform } from '../image/platform.ts';
import { requireSystem } from '../nix/systemCheck.ts';
import type { Compressor } from '../spec/attributes.ts';
import { layerCacheKey, lookupLayers } from './layerCache.ts';

export interface BuildContext {
  workDir: string;
  log: Logger;
  now: Date;
  storeDir: string;
  /** The layer cache, and the compression its entries must have (the output's). */
  cache?: LayerCache;
  compressor?: Compressor;
  /** runAsRoot's VM: KVM or TCG (default auto). */
  kvm?: KvmMode;
  /** One platform of a multi-platform build: installables are realised for its Nix system. */
  platform?: TargetPlatform;
}

export interface ImagePlan {
  imageName: string;
  /** The tag when given; null until the config digest decides it. */
  tag: string | null;
  mtime: number;
  layers: ArchiveLayer[];
  /** Store paths per store layer, in order (reported in --json). */
  storeLayers: string[][];
  makeConfig(layers: LayerRecord[]): Record<string, unknown> | Uint8Array;
  repoTag(configDigestHex: string): string;
  imageTag(configDigestHex: string): string;
  /** Removes the temporary trees the layers read from; call once the archive is written. */
  dispose(): Promise<void>;
}

/** The version of how we write a store layer; part of every layer key (and cache key). */
export const STORE_LAYER_FORMAT = 'python-pax/1';

export function storeLayerKey(paths: string[], own: Ownership): string {
  return createHash('sha256').update(JSON.stringify({ format: STORE_LAYER_FORMAT, paths, ...own })).digest('hex');
}

export async function planLayeredImage(spec: LayeredImageSpec, ctx: BuildContext): Promise<ImagePlan> {
  const { log } = ctx;
  // Everything that can be checked without building is checked first, so a bad input
  // fails at once, before any Nix build or script runs.
  const mtime = epochSeconds('mtime', spec.mtime, ctx.now);
  const createdDate = spec.created === 'now' ? ctx.now : toDate(spec.created);
  const created = formatCreated(createdDate, spec.created === 'now');
  const own: Ownership = { mtime, uid: spec.uid, gid: spec.gid, uname: spec.uname, gname: spec.gname };
  const strategy = parseLayeringStrategy(spec.layeringPipeline);
  const base = spec.fromImage ? await loadBaseImage(spec.fromImage, { workDir: ctx.workDir, plainLayers: true }) : null;
  const available = availableLayers(spec.maxLayers, base?.layers.length ?? 0);
  if (!base) log.info("No 'fromImage' provided");

  const platform = ctx.platform;
  const items = platform ? spec.contents.map((c) => installableFor(c, platform)) : spec.contents;
  const contents = await log.group('Realising contents', () => attributeErrors('contents', () => realise(items, log, { system: platform?.system })));
  const configRefs = await attributeErrors('config', () => storePathsInConfig(spec.config ?? {}, 'config', ctx.storeDir, spec.configTextOnly));
  if (platform) {
    await attributeErrors('contents', () => requireSystem(contents, platform.system, () => 'contents'));
    await attributeErrors('config', () => requireSystem(configRefs, platform.system, () => 'config'));
  }

  // The closure of what is known now is asked while the customisation layer is built;
  // the layer's own references are almost always in it already (checked below).
  const earlyRoots = [...new Set([...configRefs, ...contents])];
  const early = spec.includeStorePaths && earlyRoots.length > 0 ? closureGraph(earlyRoots) : undefined;
  early?.catch(() => {}); // awaited (or replaced) when the layers are planned

  const custom = await log.group('Customisation layer', () =>
    attributeErrors('contents', () =>
      buildCustomisationLayer({
        contents,
        extraCommands: spec.extraCommands,
        fakeRootCommands: spec.fakeRootCommands,
        enableFakechroot: spec.enableFakechroot,
        nixDb: spec.includeNixDB ? async (root: string) => writeNixDb(await closurePaths(contents), root, { gcRoots: contents }) : undefined,
        workDir: ctx.workDir,
        storeDir: ctx.storeDir,
        log,
      }),
    ),
  );

  let storeLayers: string[][] = [];
  if (spec.includeStorePaths) {
    storeLayers = await log.group('Planning layers', async () => {
      const customRefs = [...new Set([...contents, ...custom.storeRefs])];
      const roots = [...new Set([...configRefs, ...customRefs])];
      const known = early ? await early : undefined;
      const graph = known && closureCovers(known, roots, ctx.storeDir) ? known : await closureGraph(roots);
      // nixpkgs layers the closure of two helper store paths (the config JSON and the
      // customisation layer), which take part in the planning and are left out of the
      // image; stand-ins for them make our plan the one nixpkgs makes.
      const helpers = nixpkgsImageRoots({
        name: spec.name,
        storeDir: ctx.storeDir,
        configReferences: configRefs,
        baseJsonSize: Buffer.byteLength(JSON.stringify(sortKeysDeep({ architecture: spec.architecture, config: spec.config, os: 'linux' }))),
        customisationReferences: customRefs,
        customisationTarSize: custom.tar.size,
      });
      const layers = planLayers([...graph, ...helpers.nodes], { strategy, availableLayers: available, roots: helpers.roots, exclude: helpers.exclude });
      if (spec.debug) log.info(`layers: ${JSON.stringify(layers, null, 2)}`);
      return layers;
    });
  }

  const customKey = createHash('sha256')
    .update(JSON.stringify({ format: 'customisation/1', contents, refs: custom.storeRefs, spec: [spec.extraCommands, spec.fakeRootCommands, spec.enableFakechroot, spec.includeNixDB] }))
    .digest('hex');
  // One cache lookup for every layer; a hit is neither planned (lstat) nor tarred.
  const baseKeys = (base?.layers ?? []).map((l) => `base:${l.diffId}`);
  const storeKeys = storeLayers.map((paths) => storeLayerKey(paths, own));
  const hits = await lookupLayers(ctx.cache, ctx.compressor ?? 'none', [...baseKeys, ...storeKeys, customKey]);
  const withCache = (contentKey: string, layer: ArchiveLayer): ArchiveLayer => {
    const hit = hits.get(contentKey);
    const cacheKey = ctx.cache && ctx.compressor && ctx.compressor !== 'none' ? layerCacheKey(contentKey, ctx.compressor) : undefined;
    return { ...layer, cacheKey, ...(hit && hit.size === layer.size ? { cached: hit } : {}) };
  };

  const layers: ArchiveLayer[] = [];
  (base?.layers ?? []).forEach((l, i) => {
    layers.push(
      withCache(baseKeys[i]!, {
        member: `${l.diffId.slice('sha256:'.length)}/layer.tar`,
        size: l.size,
        chunks: fileRange(l.file, l.offset, l.size),
        diffId: l.diffId,
        paths: [l.member],
      }),
    );
  });
  for (const [i, paths] of storeLayers.entries()) {
    const key = storeKeys[i]!;
    const hit = hits.get(key);
    const member = `${key}/layer.tar`;
    if (hit) {
      // Planned only if its bytes are wanted uncompressed after all.
      layers.push(withCache(key, { member, size: hit.size, chunks: async function* () { yield* (await planStoreLayer(paths, own)).chunks(); }, paths }));
      continue;
    }
    const tar = await planStoreLayer(paths, own);
    layers.push(withCache(key, { member, size: tar.size, chunks: () => tar.chunks(), paths }));
  }
  layers.push(
    withCache(customKey, {
      member: `${customKey}/layer.tar`,
      size: custom.tar.size,
      chunks: () => custom.tar.chunks(),
      // nixpkgs: symlinkJoin { name = "${baseName}-customisation-layer"; }, baseName = baseNameOf name.
      paths: [`${spec.name.slice(spec.name.lastIndexOf('/') + 1)}-customisation-layer`],
    }),
  );

  const imageName = spec.name.toLowerCase();
  const imageTag = (hex: string) => spec.tag ?? contentTag(hex);
  return {
    imageName,
    tag: spec.tag,
    mtime,
    layers,
    storeLayers,
    makeConfig: (records) =>
      imageConfig({ created, architecture: platform?.architecture ?? spec.architecture, variant: platform?.variant, config: spec.config, baseConfig: base?.config.config as Record<string, unknown> | undefined, layers: records }),
    repoTag: (hex) => `${imageName}:${imageTag(hex)}`,
    imageTag,
    dispose: () => custom.dispose(),
  };
}

/** Errors about what an attribute names (not a valid store path, not a directory) become errors naming it. */
async function attributeErrors<T>(attribute: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NixPathError || (err instanceof CustomisationError && !(err instanceof ScriptError) && err.message.startsWith(`${attribute}:`))) {
      throw new SpecError(attribute, err.message.split('\n')[0]!.replace(new RegExp(`^${attribute}: `), ''));
    }
    throw err;
  }
}

async function closurePaths(roots: string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  return (await closureGraph(roots)).map((n) => n.path);
}
