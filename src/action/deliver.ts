// The image to where the inputs send it: built by the engine (spec → plan → file, Docker,
// registries), pulled (pullImage), or given built already (`image`) and delivered as it
// is; then the artifact. Errors from a delivery phase name the input that asked for it.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { extensionFor } from '../compress/index.ts';
import { build } from '../functions/build.ts';
import type { PushRequest } from '../functions/deliver.ts';
import { dockerTag } from '../sinks/dockerLoad.ts';
import { nixShellArchiveName } from '../functions/nixShellImage.ts';
import { isNixShellImageSpec } from '../spec/index.ts';
import type { PlatformsSpec } from '../functions/platforms.ts';
import { attestationSettings } from '../sbom/index.ts';
import { pullImage } from '../functions/pullImage.ts';
import { MERGED_NAME, mergedCompressor, mergeImages, type MergeReport } from '../functions/mergeImages.ts';
import { exportImage, exportImageName, type ExportImageResult } from '../functions/exportImage.ts';
import { uploadArchiveArtifact, type ArtifactUpload } from '../sinks/artifact.ts';
import type { LayerCache } from '../cache/index.ts';
import type { KvmMode } from '../vm/index.ts';
import { Input } from './constants.ts';
import { produceManifest, producePlatforms } from './deliverPlatforms.ts';
import { deliverArchive, resolveImageInput } from './existingImage.ts';
import { InputError, type ActionInputs } from './inputs.ts';
import { formatBytes, formatRate, formatSeconds, type ActionLog } from './log.ts';
import type { RegistryAccess } from './registryAuth.ts';
import { bytesPushed, completeFromPush, fromBuild, layerCounts, repositoryOf, type StepReport } from './report.ts';
import { makeTempDir, removeTempDir } from '../util/cleanup.ts';

/** A file name from an image name (`ghcr.io/org/app` → `ghcr.io-org-app`). */
const fileNameOf = (name: string) => name.replace(/[/:]/g, '-');

export const sizeOf = (file: string): number | undefined => {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
};

export async function checkOutDir(out: string): Promise<void> {
  const dir = path.dirname(path.resolve(out));
  try {
    await fsp.access(dir, fsp.constants.W_OK);
  } catch {
    throw new InputError(Input.Out, `directory ${dir} does not exist or is not writable`);
  }
  if ((await fsp.stat(out).catch(() => undefined))?.isDirectory()) throw new InputError(Input.Out, `${out} is a directory; give a file name`);
}

function pushRequest(inputs: ActionInputs, access: RegistryAccess): PushRequest | undefined {
  if (!inputs.push) return undefined;
  return {
    refs: inputs.tags,
    ownRef: true,
    settings: { tlsVerify: inputs.tlsVerify, format: inputs.format, ...(access.auth ? { auth: access.auth } : {}), env: access.env, attestMode: inputs.attestations, annotations: inputs.annotations },
  };
}

/** Builds, pulls or finds the image, and delivers it to the file, Docker and registries. */
export async function produce(inputs: ActionInputs, ctx: { env: NodeJS.ProcessEnv; tmpRoot: string; log: ActionLog; cache?: LayerCache; kvm?: KvmMode; access: RegistryAccess }): Promise<StepReport> {
  const { env, tmpRoot, log, cache, access } = ctx;
  const target = inputs.target;
  if (target.kind === 'manifest') return produceManifest(inputs, target, ctx);
  if (target.kind === 'build' && inputs.platforms) return producePlatforms(inputs, target.spec as PlatformsSpec, inputs.platforms, ctx);
  if (target.kind === 'build') {
    const spec = target.spec;
    const name = isNixShellImageSpec(spec) ? await nixShellArchiveName(spec, log) : spec.name;
    const out = path.resolve(inputs.out ?? path.join(tmpRoot, `${fileNameOf(name)}${extensionFor(spec.compressor)}`));
    // src/functions/deliver.ts writes `.<name>.<pid>.partial` beside the archive and renames it when complete.
    const partial = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.partial`);
    log.countBytes(/^Writing /, () => () => sizeOf(partial) ?? sizeOf(out));
    const attest = attestationSettings(inputs, { out, name, env, sourceDir: env.GITHUB_WORKSPACE || process.cwd() });
    const r = await build({ spec, out, load: inputs.load, push: pushRequest(inputs, access), cache, kvm: ctx.kvm, tmpDir: tmpRoot, log, attest });
    return fromBuild(r);
  }
  if (target.kind === 'merge') {
    const out = path.resolve(inputs.out ?? path.join(tmpRoot, `${MERGED_NAME}${extensionFor(await mergedCompressor(target.spec))}`));
    return fromMerge(await mergeImages(target.spec, { out, load: inputs.load, tmpDir: tmpRoot, log }));
  }
  if (target.kind === 'export') {
    const out = path.resolve(inputs.out ?? path.join(tmpRoot, await exportImageName(target.spec)));
    const workDir = await makeTempDir(tmpRoot, 'nix-docker-');
    try {
      return fromExport(await exportImage(target.spec, { out, workDir, log }));
    } finally {
      await removeTempDir(workDir);
    }
  }
  const workDir = await makeTempDir(tmpRoot, 'nix-docker-');
  try {
    const delivery = { load: inputs.load, push: pushRequest(inputs, access), cache, workDir, log };
    if (target.kind === 'pull') {
      const out = path.resolve(inputs.out ?? path.join(tmpRoot, target.archiveName));
      const pulled = await pullImage(target.spec, { log, out, env: access.env, ...(access.auth ? { auth: access.auth } : {}) });
      const report = await deliverArchive(pulled.archive, { ...delivery, function: 'pullImage', name: { imageName: pulled.imageName, imageTag: pulled.imageTag } });
      return { ...report, archiveWritten: true };
    }
    const resolved = await resolveImageInput(target.item, { out: inputs.out, tmpRoot, log, env });
    const report = await deliverArchive(resolved.archive, { ...delivery, function: 'image' });
    return { ...report, archiveWritten: resolved.from === 'script' || inputs.out !== null };
  } finally {
    await removeTempDir(workDir);
  }
}

/**
 * An export in the step report's shape: the image outputs describe the image exported
 * (its first tag and its image id), `archive` the filesystem tar; nothing is loaded or pushed.
 */
export function fromExport(r: ExportImageResult): StepReport {
  return {
    function: 'exportImage',
    image: r.imageName ? `${r.imageName}${r.imageTag ? `:${r.imageTag}` : ''}` : r.configDigest,
    imageName: r.imageName,
    imageTag: r.imageTag,
    configDigest: r.configDigest,
    archive: r.archive,
    layers: r.layers.map((l) => ({ diffId: l.diffId, size: l.size, paths: [l.member], cached: false })),
    loaded: [],
    pushed: [],
    produced: 0,
    layersFrom: 'archive',
    archiveWritten: true,
  };
}

/**
 * A merge in the step report's shape: `image` and `configDigest` (the image and image-id
 * outputs) list every merged image, space-separated, in manifest order.
 */
export function fromMerge(r: MergeReport): StepReport {
  return {
    function: r.function,
    image: r.images.map((i) => i.repoTags.join(' ') || i.configDigest).join(' '),
    imageName: '',
    imageTag: '',
    configDigest: r.images.map((i) => i.configDigest).join(' '),
    archive: r.archive,
    layers: r.layers.map((l) => ({ diffId: l.diffId, size: l.size, paths: [l.member], cached: false })),
    loaded: r.loaded,
    pushed: [],
    produced: 0,
    layersFrom: 'archive',
    archiveWritten: true,
  };
}

/** Phases and the input that asked for them (the `image` ones only when `image` was given). */
const PHASE_INPUTS: [RegExp, string][] = [
  [/^Pushing /, Input.Push],
  [/^Loading into Docker/, Input.Load],
];
const IMAGE_PHASES = /^(Realising|Streaming|Reading) /;

/** An error from a delivery phase that names no input yet gets the input that asked for the phase. */
export function namedByPhase(err: unknown, phase: string | undefined, inputs: ActionInputs): unknown {
  if (!(err instanceof Error) || 'attribute' in err || 'input' in err || !phase) return err;
  const input = PHASE_INPUTS.find(([re]) => re.test(phase))?.[1] ?? (inputs.target.kind === 'image' && IMAGE_PHASES.test(phase) ? Input.Image : undefined);
  if (!input) return err;
  const named = new InputError(input, err.message);
  named.stack = err.stack;
  return named;
}

/** The log lines after delivery: layers from the cache, and what each push moved, at what rate. */
export function logDelivery(report: StepReport, log: ActionLog, cacheOn: boolean): void {
  log.info(`Layers: ${layerCounts(report, cacheOn)}`);
  for (const p of report.pushed.filter((p, i, all) => all.findIndex((q) => repositoryOf(q) === repositoryOf(p)) === i)) {
    const phase = log.phases.find((ph) => ph.title.startsWith(`Pushing ${repositoryOf(p)}`));
    const up = p.layers.filter((b) => b.status === 'uploaded').reduce((n, b) => n + b.size, 0);
    if (phase) log.info(`${repositoryOf(p)}: ${formatBytes(up)} uploaded in ${formatSeconds(phase.ms)} (${formatRate(up, phase.ms)})`);
  }
  if (report.pushed.length) log.info(`Pushed ${formatBytes(bytesPushed(report))} in all`);
}

/** `tags` name the image loaded into Docker too, as docker/build-push-action's `load` does. */
export async function tagLoaded(report: StepReport, tags: readonly string[], log: ActionLog): Promise<void> {
  if (report.loaded.length === 0 || tags.length === 0) return;
  try {
    for (const tag of tags) await dockerTag(report.configDigest, tag);
  } catch (err) {
    throw Object.assign(new InputError(Input.Tags, (err as Error).message), { stack: (err as Error).stack });
  }
  report.loaded.push(...tags.filter((t) => !report.loaded.includes(t)));
  log.info(`Tagged the loaded image: ${tags.join(', ')}`);
}

/** Uploads the archive as the artifact; a failure names `artifact` (the image outputs are set by then). */
export async function uploadArtifact(report: StepReport, name: string, options: { overwrite: boolean; retentionDays: number }, tmpRoot: string, log: ActionLog): Promise<ArtifactUpload> {
  const archive = report.archive;
  if (!archive) throw new InputError(Input.Artifact, 'there is no archive to upload');
  const start = performance.now();
  try {
    const artifact = await log.phase('Uploading the artifact', () => uploadArchiveArtifact(archive, { name, tmpDir: tmpRoot, log, ...options }));
    const ms = performance.now() - start;
    log.info(`Artifact ${artifact.name} (id ${artifact.id}): ${formatBytes(artifact.size)} in ${formatSeconds(ms)} (${formatRate(artifact.size, ms)})`);
    return artifact;
  } catch (err) {
    throw err instanceof Error && !('input' in err) ? Object.assign(new InputError(Input.Artifact, err.message), { stack: err.stack }) : err;
  }
}
