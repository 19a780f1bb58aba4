// The action's multi-platform deliveries: `platforms` builds one image per platform under
// one index (src/functions/platforms.ts: an OCI layout archive `<name>.oci.tar`, the
// runner's own platform loaded, every platform and the index pushed, or the index pushed
// by digest only), and `function: manifest` merges the digests of such pushes into one
// index under the push references (src/registry/multiarch.ts, as the CLI's `manifest`).

import path from 'node:path';
import type { LayerCache } from '../cache/index.ts';
import { buildPlatforms, type PlatformsReport, type PlatformsSpec } from '../functions/platforms.ts';
import { attestationSettings } from '../sbom/index.ts';
import { platformString } from '../registry/manifest.ts';
import { formatReference, getManifest, openRegistry, pushIndex, type Reference } from '../registry/index.ts';
import { parsePushRefs, type PushedImage } from '../sinks/push.ts';
import { Input } from './constants.ts';
import { InputError, type ActionInputs } from './inputs.ts';
import type { ActionLog } from './log.ts';
import type { ManifestTarget, PlatformsInput } from './platforms.ts';
import type { RegistryAccess } from './registryAuth.ts';
import type { StepReport } from './report.ts';

interface Context {
  env: NodeJS.ProcessEnv;
  tmpRoot: string;
  log: ActionLog;
  cache?: LayerCache;
  access: RegistryAccess;
}

/** The archive's default file: an OCI image layout (a docker-archive holds one platform). */
export const ociArchiveName = (name: string) => `${name.replace(/[/:]/g, '-')}.oci.tar`;

export async function producePlatforms(inputs: ActionInputs, spec: PlatformsSpec, platforms: PlatformsInput, ctx: Context): Promise<StepReport> {
  const { access } = ctx;
  const out = path.resolve(inputs.out ?? path.join(ctx.tmpRoot, ociArchiveName(spec.name)));
  const r = await buildPlatforms({
    spec,
    platforms: platforms.platforms,
    out,
    load: inputs.load,
    push: inputs.push ? { refs: inputs.tags, ownRef: true, byDigest: platforms.byDigest, tlsVerify: inputs.tlsVerify, ...(access.auth ? { auth: access.auth } : {}), env: access.env } : undefined,
    cache: ctx.cache,
    // Per platform: `<archive base>.<os>-<arch>[-variant].spdx.json`, ... beside the archive.
    attest: attestationSettings(inputs, { out, name: spec.name, env: ctx.env, sourceDir: ctx.env.GITHUB_WORKSPACE || process.cwd() }),
    attestMode: inputs.attestations,
    tmpDir: ctx.tmpRoot,
    log: ctx.log,
  });
  return fromPlatforms(r);
}

/**
 * A multi-platform build in the step report's shape: the layers of every platform in
 * platform order (each naming its platform), `configDigest` (the image-id output) every
 * platform's config, space-separated, and the index with each platform's manifest.
 */
export function fromPlatforms(r: PlatformsReport): StepReport {
  const layers = r.platforms.flatMap((p) =>
    p.layers.map((l) => ({ diffId: l.diffId, digest: l.digest, size: l.size, compressedSize: l.compressedSize, paths: l.paths, cached: l.cached, platform: p.platform })),
  );
  const pushed: PushedImage[] = r.pushed.map((p) => ({
    ref: p.ref,
    reference: p.reference,
    digest: p.digest,
    ...(p.referrers ? { referrers: p.referrers.flat() } : {}),
    configDigest: '',
    tags: p.tags,
    layers: p.layers.flat(),
    uploaded: p.uploaded,
    skipped: p.skipped,
    mounted: p.mounted,
  }));
  return {
    function: r.function,
    image: `${r.imageName}:${r.imageTag}`,
    imageName: r.imageName,
    imageTag: r.imageTag,
    configDigest: r.platforms.map((p) => p.configDigest).join(' '),
    archive: r.archive,
    layers,
    loaded: r.loaded,
    pushed,
    produced: layers.filter((l) => !l.cached).length,
    layersFrom: 'build',
    archiveWritten: r.archive !== null,
    index: {
      digest: r.indexDigest,
      platforms: r.platforms.map((p) => ({
        platform: p.platform,
        manifestDigest: p.manifestDigest,
        configDigest: p.configDigest,
        ...(p.attestationDigest ? { attestationDigest: p.attestationDigest } : {}),
        ...(p.sbom ? { sbom: p.sbom } : {}),
      })),
    },
    // The single-path outputs (sbom, sbom-cyclonedx, provenance) name the first platform's files.
    ...(r.platforms[0]?.sbom ? { sbom: r.platforms[0].sbom } : {}),
  };
}

/** `function: manifest`: per repository pushed to, one index of the sources under its tags. */
export async function produceManifest(inputs: ActionInputs, target: ManifestTarget, ctx: Context): Promise<StepReport> {
  const { access, log } = ctx;
  const groups = new Map<string, { ref: Reference; given: string[]; tags: string[] }>();
  for (const [i, ref] of parsePushRefs(inputs.tags, Input.Tags).entries()) {
    if (ref.digest) throw new InputError(Input.Tags, `${inputs.tags[i]}: an index goes under tags, not at a digest`);
    const key = `${ref.registry}/${ref.repository}`;
    const g = groups.get(key) ?? { ref, given: [], tags: [] };
    groups.set(key, g);
    g.given.push(inputs.tags[i]!);
    g.tags.push(ref.tag ?? 'latest');
  }
  const pushed: PushedImage[] = [];
  let index: StepReport['index'];
  for (const { ref, given, tags } of groups.values()) {
    const repo = `${ref.registry}/${ref.repository}`;
    const images = target.sources.map((s): Reference => ('digest' in s ? { registry: ref.registry, repository: ref.repository, digest: s.digest } : s.ref));
    const client = await openRegistry(ref.registry, { ...(access.auth ? { auth: access.auth } : {}), env: access.env, tlsVerify: inputs.tlsVerify, log });
    try {
      // A source the registry does not have is the `sources` input's fault, not the push's.
      for (const image of images) {
        if (image.registry !== ref.registry) throw new InputError(Input.Sources, `${formatReference(image)} is not on ${ref.registry}, where the index goes (an index names manifests of its own registry)`);
        await getManifest(client, image.repository, image.digest ?? image.tag ?? 'latest').catch((err: Error) => {
          throw new InputError(Input.Sources, `${formatReference(image)}: ${err.message}`);
        });
      }
      const result = await log.phase(`Pushing the index to ${repo}`, () => pushIndex(client, { ...ref, tag: tags[0] }, images, { tags: tags.slice(1) }));
      log.info(`Pushed ${result.reference} as ${result.tags.join(', ')} (${result.manifests.length} platforms)`);
      index ??= { digest: result.digest, platforms: result.manifests.map((m) => ({ platform: m.platform ? platformString(m.platform) : 'unknown', manifestDigest: m.digest })) };
      for (const g of given) pushed.push({ ref: g, reference: result.reference, digest: result.digest, configDigest: '', tags: result.tags, layers: [], uploaded: 0, skipped: 0, mounted: 0 });
    } finally {
      await client.close();
    }
  }
  const first = [...groups.values()][0]!;
  return {
    function: 'manifest',
    image: first.given[0]!,
    imageName: `${first.ref.registry}/${first.ref.repository}`,
    imageTag: first.tags[0]!,
    configDigest: '',
    archive: null,
    layers: [],
    layersFrom: 'build',
    archiveWritten: false,
    loaded: [],
    pushed,
    produced: 0,
    ...(index ? { index } : {}),
  };
}
