// One image for several platforms (`platforms: linux/amd64,linux/arm64`): the layered
// or buildImage spec is planned once per platform, its installables realised for that
// platform's Nix system (layeredImage.ts and buildImage.ts check they are for it), and
// the images go under one index. buildImage's runAsRoot is refused: its VM is this
// machine's kernel and its scripts this machine's binaries. fromImage is refused too: a
// base image archive holds one platform.
//
// Blobs are staged once (src/image/ociArchive.ts) and every destination reads them:
//   out / stdout  an OCI image layout archive (a docker-archive holds one platform)
//   push          per repository: each platform's blobs and manifest by digest (a blob
//                 shared by platforms goes once), then the index under every tag, or
//                 under no tag (`byDigest`) for a job of the matrix pattern
//   load          the platform of the machine we run on only (Docker loads one)
// The index pushed is the archive's index, byte for byte, so both have one digest.
//
// SBOM and provenance (`attest`): each platform image gets its own statements (subject:
// its manifest digest; SBOM: its own closure) and files (`<base>.<os>-<arch>[-variant]
// .spdx.json`, ...). In `index` mode (BuildKit's layout for multi-platform builds) the
// index holds, after the platform manifests, one attestation manifest per platform; the
// archive carries them too, as BuildKit's OCI exporter does, so that its index stays the
// pushed one (skopeo and podman pick a platform and pass the unknown/unknown entries
// by). In `referrers` mode each platform manifest gets its referrers when pushed and the
// index holds the images only. A tag left to the index digest is not known when the
// statements are made: they name the image by the tag from each platform's config.

import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { LayerCache } from '../cache/index.ts';
import { makeTempDir, removeTempDir } from '../util/cleanup.ts';
import { hostPlatform, platformName, type TargetPlatform } from '../image/platform.ts';
import { stageOciArchive, type Attachment, type OciStaged } from '../image/ociArchive.ts';
import { storeDir } from '../nix/index.ts';
import { formatReference, openRegistry, parseReference, pushImage, putManifest, type Env, type Reference } from '../registry/index.ts';
import type { BlobReport } from '../registry/blobs.ts';
import type { Compressor } from '../spec/attributes.ts';
import { layerMediaType } from '../registry/manifest.ts';
import { attestationManifest, pushAttestationManifest, type Statement } from '../registry/attest.ts';
import { pushReferrers } from '../registry/referrers.ts';
import { Attestor, type AttestationSettings, type SbomReport } from '../sbom/index.ts';
import type { AttestMode } from '../sinks/push.ts';
import { isBuildImageSpec, type BuildImageSpec, type FunctionName, type LayeredImageSpec } from '../spec/index.ts';
import { SpecError } from '../spec/errors.ts';
import type { Logger } from '../util/log.ts';
import { deliver, writeFileAtomic } from './deliver.ts';
import { planLayeredImage, type BuildContext, type ImagePlan } from './layeredImage.ts';
import { planBuildImage } from './buildImage.ts';

/** The functions that take `platforms`: their spec is planned once per platform. */
export const MULTI_PLATFORM_FUNCTIONS: readonly FunctionName[] = ['buildLayeredImage', 'streamLayeredImage', 'buildLayeredImageWithNixDb', 'buildImage', 'buildImageWithNixDb'];

export type PlatformsSpec = LayeredImageSpec | BuildImageSpec;

/** What a multi-platform build cannot do, as an error naming the attribute; before anything is built. */
export function checkPlatformsSpec(spec: PlatformsSpec): void {
  if (spec.fromImage !== null) throw new SpecError('fromImage', "a base image archive holds one platform; leave fromImage out with 'platforms'");
  if (isBuildImageSpec(spec) && spec.runAsRoot !== null) {
    throw new SpecError('runAsRoot', "its VM runs this machine's kernel and binaries, so it cannot build other platforms; leave runAsRoot out with 'platforms'");
  }
}

export interface PlatformsRequest {
  spec: PlatformsSpec;
  platforms: TargetPlatform[];
  out?: string;
  stdout?: Writable;
  load: boolean;
  /** `ownRef`: with no refs, the image's own name:tag (the tag from the index digest when none is given). */
  push?: { refs: string[]; ownRef?: boolean; byDigest?: boolean; tlsVerify?: boolean; auth?: { username: string; password: string }; env?: Env };
  cache?: LayerCache;
  /** SBOM and provenance: per platform, files and statements (in the index, or referrers). */
  attest?: AttestationSettings;
  /** `index` (default): attestation manifests in the index (and archive); `referrers`: OCI 1.1 referrers of each platform manifest. */
  attestMode?: AttestMode;
  tmpDir: string;
  log: Logger;
}

export interface PlatformReport {
  platform: string;
  /** The platform's image manifest in the index (and in every registry pushed to). */
  manifestDigest: string;
  configDigest: string;
  storeLayers: string[][];
  layers: { diffId: string; paths: string[]; size: number; digest: string; compressedSize: number; cached: boolean }[];
  /** `index` mode: the platform's attestation manifest in the index. */
  attestationDigest?: string;
  /** The platform's SBOM and provenance files. */
  sbom?: SbomReport;
}

export interface PlatformsReport {
  function: string;
  imageName: string;
  imageTag: string;
  /** The image index: the same digest in the archive and in every registry. */
  indexDigest: string;
  archive: string | null;
  platforms: PlatformReport[];
  /** `registry/repository@<index digest>` per reference given, and the tags set. */
  pushed: PlatformsPushed[];
  loaded: string[];
}

export interface PlatformsPushed {
  ref: string;
  reference: string;
  digest: string;
  tags: string[];
  /** Each platform's layers in its repository (uploaded, skipped, mounted), in platform order. */
  layers: BlobReport[][];
  /** `referrers` mode: each platform's artifact manifests (one per statement), in platform order. */
  referrers?: string[][];
  /** Distinct blobs of the repository by outcome, every platform's config included. */
  uploaded: number;
  skipped: number;
  mounted: number;
}

export async function buildPlatforms(req: PlatformsRequest): Promise<PlatformsReport> {
  const { spec, log } = req;
  checkPlatformsSpec(spec);
  const host = hostPlatform();
  const local = req.platforms.find((p) => p.system === host.system);
  if (req.load && !local) throw new SpecError('load', `Docker loads the runner's own platform (${platformName(host)}), which 'platforms' does not list`);
  const refs = (req.push?.refs ?? []).map((r) => {
    try {
      return parseReference(r);
    } catch (err) {
      throw new SpecError('push', (err as Error).message);
    }
  });
  // As build.ts's: removed on a signal too (src/util/cleanup.ts).
  const workDir = await makeTempDir(req.tmpDir, 'nix-docker-');
  const plans: { platform: TargetPlatform; plan: ImagePlan }[] = [];
  try {
    const base: Omit<BuildContext, 'platform'> = { workDir, log, now: new Date(), storeDir: await storeDir(), cache: req.cache, compressor: spec.compressor, kvm: undefined };
    for (const platform of req.platforms) {
      const dir = await fsp.mkdtemp(path.join(workDir, `${platform.system}-`));
      const ctx = { ...base, workDir: dir, platform };
      const plan = await log.group(`Planning ${platformName(platform)} (${platform.system})`, () =>
        isBuildImageSpec(spec) ? planBuildImage({ ...spec, architecture: platform.architecture }, ctx) : planLayeredImage({ ...spec, architecture: platform.architecture }, ctx),
      );
      plans.push({ platform, plan });
    }
    const attestors = req.attest && (req.attest.sbom || req.attest.provenance !== 'false') ? plans.map(({ platform }) => platformAttestor(req.attest!, spec, platform, log)) : undefined;
    // Nix is asked about each platform's paths while the layers are written.
    attestors?.forEach((a, i) => a.prepare(plans[i]!.plan).catch(() => {}));
    const statements: Statement[][] = [];
    const inIndex = (req.attestMode ?? 'index') === 'index';
    const staging = await fsp.mkdtemp(path.join(workDir, 'blobs-'));
    const imageName = plans[0]!.plan.imageName;
    const staged = await log.group('Writing layers', () =>
      stageOciArchive({
        images: plans.map(({ platform, plan }) => ({ platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) }, layers: plan.layers, makeConfig: plan.makeConfig })),
        compressor: spec.compressor,
        refName: spec.tag ?? 'latest',
        mtime: plans[0]!.plan.mtime,
        stagingDir: staging,
        onLayer: (p, i, layer) => log.info(`${platformName(p)}: layer ${i + 1} from paths: ${JSON.stringify(layer.paths)}`),
        ...(attestors
          ? {
              attach: async (images): Promise<Attachment[]> => {
                for (const [i, im] of images.entries()) {
                  statements[i] = await attestors[i]!.statements(plans[i]!.plan, { digest: im.manifest.digest, diffIds: im.layers.map((l) => l.diffId), platform: im.platform, config: im.config });
                }
                return inIndex ? images.map((im, i) => attestationManifest(im.manifest.digest, statements[i]!)) : [];
              },
            }
          : {}),
      }),
    );
    // A tag given, else one from the index's digest (as single images take one from their config's).
    const imageTag = plans[0]!.plan.imageTag(staged.index.digest.slice('sha256:'.length));

    if (req.out) {
      const out = req.out;
      await log.group(`Writing ${out}`, () => writeFileAtomic(out, staged.chunks()));
    } else if (req.stdout) {
      for await (const chunk of staged.chunks()) if (!req.stdout.write(chunk)) await new Promise((r) => req.stdout!.once('drain', r));
    }

    let loaded: string[] = [];
    if (req.load && local) {
      log.info(`Loading ${platformName(local)} (this machine's platform) into Docker; the archive and registries hold every platform`);
      const plan = plans.find((p) => p.platform === local)!.plan;
      loaded = (await deliver(plan, { load: true, compressor: 'none', log })).loaded;
    }

    const sboms = attestors
      ? await log.group('Writing the SBOM and provenance', () => Promise.all(attestors.map((a, i) => a.writeFiles(plans[i]!.plan, { layers: staged.images[i]!.layers }))))
      : undefined;

    await keepLayers(staged, plans, req.cache, spec.compressor, log);
    if (req.push?.ownRef && refs.length === 0) refs.push(parseReference(`${imageName}:${imageTag}`));
    const referrers = attestors && !inIndex ? statements : undefined;
    const pushed = req.push && refs.length > 0 ? await pushStaged(staged, refs, req.push, spec.compressor, log, referrers) : [];
    return {
      function: spec.fn,
      imageName,
      imageTag,
      indexDigest: staged.index.digest,
      archive: req.out ? path.resolve(req.out) : null,
      platforms: staged.images.map((im, i) => ({
        platform: platformName(im.platform),
        manifestDigest: im.manifest.digest,
        configDigest: im.configDigest,
        storeLayers: plans[i]!.plan.storeLayers,
        layers: im.layers.map(({ diffId, paths, size, digest, compressedSize, cached }) => ({ diffId, paths, size, digest, compressedSize, cached })),
        ...(staged.attached[i] ? { attestationDigest: staged.attached[i].manifest.digest } : {}),
        ...(sboms ? { sbom: sboms[i]! } : {}),
      })),
      pushed,
      loaded,
    };
  } finally {
    for (const { plan } of plans) await plan.dispose().catch(() => {});
    await removeTempDir(workDir);
  }
}

/** One platform's Attestor: its own closure, its files named `<base>.<os>-<arch>[-variant].*`. */
function platformAttestor(settings: AttestationSettings, spec: PlatformsSpec, platform: TargetPlatform, log: Logger): Attestor {
  const { fn, ...attributes } = spec;
  const suffix = [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join('-');
  return new Attestor({ ...settings, base: `${settings.base}.${suffix}` }, fn, { ...attributes, architecture: platform.architecture }, log);
}

/** New layers go to the layer cache (per platform: their keys name their store paths). Best effort. */
async function keepLayers(staged: OciStaged, plans: { plan: ImagePlan }[], cache: LayerCache | undefined, compressor: Compressor, log: Logger): Promise<void> {
  if (!cache || compressor === 'none') return;
  let kept = 0;
  for (const [i, image] of staged.images.entries()) {
    for (const [j, l] of image.layers.entries()) {
      const key = plans[i]!.plan.layers[j]?.cacheKey;
      const file = staged.blobFile(l.digest);
      if (!key || l.cached || !file) continue;
      try {
        await cache.put(key, { blobPath: file, diffId: l.diffId, digest: l.digest, size: l.size, compressedSize: l.compressedSize, compressor });
        kept++;
      } catch (err) {
        log.warn(`layer cache: ${(err as Error).message}`);
      }
    }
  }
  if (kept) log.debug(`kept ${kept} new layer(s) in the layer cache`);
}

/** Per repository: every platform's image by digest, then the index under the tags (none with `byDigest`). */
async function pushStaged(
  staged: OciStaged,
  refs: Reference[],
  settings: NonNullable<PlatformsRequest['push']>,
  compressor: Compressor,
  log: Logger,
  /** `referrers` mode: each platform's statements, attached to its manifest once pushed. */
  referrerStatements?: Statement[][],
): Promise<PlatformsReport['pushed']> {
  const groups = new Map<string, { ref: Reference; given: string[]; tags: string[] }>();
  for (const ref of refs) {
    const key = `${ref.registry}/${ref.repository}`;
    const g = groups.get(key) ?? { ref, given: [], tags: [] };
    groups.set(key, g);
    g.given.push(formatReference(ref));
    if (ref.tag) g.tags.push(ref.tag);
    else if (!ref.digest) g.tags.push('latest');
  }
  const mediaType = layerMediaType('oci', compressor);
  const done = new Map<string, string[]>(); // registry → repositories holding the blobs
  const out: PlatformsReport['pushed'] = [];
  for (const { ref, given, tags } of groups.values()) {
    const client = await openRegistry(ref.registry, { auth: settings.auth, env: settings.env ?? process.env, tlsVerify: settings.tlsVerify ?? true, log });
    try {
      const layers: BlobReport[][] = [];
      const counts = { uploaded: 0, skipped: 0, mounted: 0 };
      for (const image of staged.images) {
        const config = Buffer.concat(await collect(staged.openBlob(image.configDigest)));
        const result = await log.group(`Pushing ${platformName(image.platform)} to ${ref.registry}/${ref.repository}`, () =>
          pushImage(
            client,
            ref,
            { config, layers: image.layers.map((l) => ({ digest: l.digest, size: l.compressedSize, mediaType, open: () => staged.openBlob(l.digest) })) },
            { format: 'oci', untagged: true, mountFrom: done.get(ref.registry) },
          ),
        );
        if (result.digest !== image.manifest.digest) throw new Error(`${formatReference(ref)}: the registry's manifest ${result.digest} is not the archive's ${image.manifest.digest}`);
        layers.push(result.layers);
        counts.uploaded += result.uploaded;
        counts.skipped += result.skipped;
        counts.mounted += result.mounted;
      }
      for (const a of staged.attached) await pushAttestationManifest(client, ref.repository, a);
      if (staged.attached.length) log.info(`Pushed ${staged.attached.length} attestation manifest(s) to ${ref.registry}/${ref.repository}`);
      const referrers: string[][] = [];
      for (const [i, image] of referrerStatements ? staged.images.entries() : []) {
        const r = await pushReferrers(client, ref.repository, { mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.size }, referrerStatements![i]!);
        referrers.push(r.digests);
        if (r.fallbackTag) log.info(`${ref.registry} has no referrers API: ${platformName(image.platform)}'s listed under the tag ${r.fallbackTag}`);
      }
      const put = settings.byDigest || tags.length === 0 ? [staged.index.digest] : [...new Set(tags)];
      for (const reference of put) await putManifest(client, ref.repository, reference, staged.index);
      done.set(ref.registry, [...(done.get(ref.registry) ?? []), ref.repository]);
      const reference = formatReference({ registry: ref.registry, repository: ref.repository, digest: staged.index.digest });
      log.info(`Pushed ${reference}${settings.byDigest ? ' (by digest)' : ` as ${put.join(', ')}`}`);
      for (const g of given) out.push({ ref: g, reference, digest: staged.index.digest, tags: settings.byDigest ? [] : put, layers, ...(referrerStatements ? { referrers } : {}), ...counts });
    } finally {
      await client.close();
    }
  }
  return out;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const c of chunks) all.push(Buffer.from(c));
  return all;
}
