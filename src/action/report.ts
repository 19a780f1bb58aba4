// What a step did, in one shape whichever way the image came (built here, pulled, or
// built already): the outputs and the job summary are both made from it.

import type { BuildReport } from '../functions/build.ts';
import type { PushedImage } from '../sinks/push.ts';
import type { ArtifactUpload } from '../sinks/artifact.ts';
import type { SbomReport } from '../sbom/index.ts';

export interface LayerOut {
  diffId: string;
  /** The compressed blob's digest, when the layer was compressed (archive, cache or push). */
  digest?: string;
  /** Bytes of the uncompressed layer tar. */
  size: number;
  compressedSize?: number;
  /** Store paths (built images) or archive members (images given). */
  paths: string[];
  /** Taken from the layer cache: not tarred or compressed again. */
  cached: boolean;
  /** A multi-platform image's layer: the platform whose image holds it (`linux/arm64`). */
  platform?: string;
}

/** One platform of a multi-platform image (or of an index merged by `function: manifest`). */
export interface PlatformOut {
  platform: string;
  /** Its image manifest's digest, as the index names it. */
  manifestDigest: string;
  /** Its config's digest (the image id); unknown for images merged by digest. */
  configDigest?: string;
  /** `attestations: index`: its attestation manifest in the index. */
  attestationDigest?: string;
  /** Its SBOM and provenance files (with sbom/provenance). */
  sbom?: SbomReport;
}

export interface StepReport {
  /** The dockerTools function, or `image` for an image built already. */
  function: string;
  image: string;
  imageName: string;
  imageTag: string;
  configDigest: string;
  archive: string | null;
  layers: LayerOut[];
  loaded: string[];
  pushed: PushedImage[];
  /** Layers whose bytes this run produced; the rest came from the cache. */
  produced: number;
  /** `build`: layers this step made (store paths); `archive`: the layers of an archive made elsewhere, delivered as they are. */
  layersFrom: 'build' | 'archive';
  /** This step wrote `archive` (built, pulled, streamed or copied); false for an archive used where it was. */
  archiveWritten: boolean;
  artifact?: ArtifactUpload;
  /** SBOM and provenance files (built images, when asked); with `platforms` the first platform's (each platform's in `index`). */
  sbom?: SbomReport;
  /** A multi-platform image: its index's digest (archive and registries alike) and its platforms. */
  index?: { digest: string; platforms: PlatformOut[] };
}

export function fromBuild(r: BuildReport): StepReport {
  return {
    function: r.function,
    image: r.image,
    imageName: r.imageName,
    imageTag: r.imageTag,
    configDigest: r.configDigest,
    archive: r.archive,
    layers: r.layers.map((l) => ({
      diffId: l.diffId,
      size: l.size,
      paths: l.paths,
      cached: l.cached,
      ...(l.digest ? { digest: l.digest } : {}),
      ...(l.compressedSize !== undefined ? { compressedSize: l.compressedSize } : {}),
    })),
    loaded: r.loaded,
    pushed: r.pushed,
    produced: r.produced,
    layersFrom: 'build',
    archiveWritten: r.archive !== null,
    ...(r.sbom ? { sbom: r.sbom } : {}),
  };
}

/** One push: a manifest (or index) put in one repository under all its tags, with what that push moved. */
export interface PushRow {
  /** The references given that name it (tags of one repository). */
  refs: string[];
  repository: string;
  reference: string;
  digest: string;
  imageDigest?: string;
  attestationDigest?: string;
  referrers?: string[];
  tags: string[];
  uploaded: number;
  skipped: number;
  mounted: number;
}

/** The pushes, one per manifest put: the sink reports each reference given, several naming one push. */
export function pushRows(report: StepReport): PushRow[] {
  const rows = new Map<string, PushRow>();
  for (const p of report.pushed) {
    const row = rows.get(p.reference);
    if (row) row.refs.push(p.ref);
    else {
      rows.set(p.reference, {
        refs: [p.ref],
        repository: repositoryOf(p),
        reference: p.reference,
        digest: p.digest,
        ...(p.imageDigest ? { imageDigest: p.imageDigest, attestationDigest: p.attestationDigest! } : {}),
        ...(p.referrers ? { referrers: p.referrers } : {}),
        tags: p.tags,
        uploaded: p.uploaded,
        skipped: p.skipped,
        mounted: p.mounted,
      });
    }
  }
  return [...rows.values()];
}

/** What the image is called in the outputs and the summary: the first reference pushed to, else its own name:tag. */
export const shownImage = (report: StepReport): string => report.pushed[0]?.ref ?? report.image;

/**
 * Layers compressed on the way to a registry: their digest and compressed size are the
 * pushed blob's (the same in every repository).
 */
export function completeFromPush(report: StepReport): void {
  const first = report.pushed[0];
  if (!first) return;
  report.layers.forEach((l, i) => {
    const b = first.layers[i];
    if (!b || (l.digest !== undefined && l.digest !== b.digest)) return;
    l.digest = b.digest;
    l.compressedSize ??= b.size;
  });
}

/** docker/build-push-action's `metadata` output: the same keys for the same facts. */
export function metadataOutput(report: StepReport, names: readonly string[]): Record<string, unknown> {
  const first = report.pushed[0];
  return {
    'containerimage.config.digest': report.configDigest,
    ...(first ? { 'containerimage.digest': first.digest } : {}),
    'image.name': (report.pushed.length ? report.pushed.map((p) => p.ref) : names.length ? names : [report.image]).join(','),
  };
}

/** `registry/repository` of a pushed image. */
export const repositoryOf = (p: PushedImage) => (p.reference.includes('@') ? p.reference.slice(0, p.reference.lastIndexOf('@')) : p.reference);

/** Per layer and repository: uploaded, skipped (the registry had it) or mounted (from another repository). */
export function pushStatus(report: StepReport, i: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of report.pushed) {
    const b = p.layers[i];
    if (b) out[repositoryOf(p)] = b.status;
  }
  return out;
}

/** The `layers` output: snake_case, one object per layer, bottom first. */
export function layersOutput(report: StepReport): unknown[] {
  return report.layers.map((l, i) => {
    const push = pushStatus(report, i);
    return {
      diff_id: l.diffId,
      digest: l.digest ?? null,
      size: l.size,
      compressed_size: l.compressedSize ?? null,
      paths: l.paths,
      cached: l.cached,
      ...(l.platform ? { platform: l.platform } : {}),
      ...(Object.keys(push).length ? { pushed: push } : {}),
    };
  });
}

/** The `pushed` output: one entry per push (a repository), with the references given that name it. */
export function pushedOutput(report: StepReport): unknown[] {
  return pushRows(report).map((p) => ({
    refs: p.refs,
    reference: p.reference,
    digest: p.digest,
    // With attestations `digest` names the index; these the image and its attestation manifest.
    ...(p.imageDigest ? { imageDigest: p.imageDigest, attestationDigest: p.attestationDigest } : {}),
    tags: p.tags,
    uploaded: p.uploaded,
    skipped: p.skipped,
    mounted: p.mounted,
  }));
}

/** Bytes of blobs uploaded to registries (each repository counted). */
export function bytesPushed(report: StepReport): number {
  const seen = new Set<string>();
  let n = 0;
  for (const p of report.pushed) {
    const repo = repositoryOf(p);
    if (seen.has(repo)) continue;
    seen.add(repo);
    for (const b of p.layers) if (b.status === 'uploaded') n += b.size;
  }
  return n;
}

/** The `platforms` output: each platform's manifest in the index (empty for a single-platform image). */
export function platformsOutput(report: StepReport): unknown[] {
  return (report.index?.platforms ?? []).map((p) => ({
    platform: p.platform,
    digest: p.manifestDigest,
    image_id: p.configDigest ?? null,
    ...(p.attestationDigest ? { attestation_digest: p.attestationDigest } : {}),
    ...(p.sbom?.spdx ? { sbom: p.sbom.spdx } : {}),
    ...(p.sbom?.cyclonedx ? { sbom_cyclonedx: p.sbom.cyclonedx } : {}),
    ...(p.sbom?.provenance ? { provenance: p.sbom.provenance } : {}),
  }));
}

/** "4 (1 from the layer cache, 3 produced)", or for an archive's layers what was done to them here. */
export function layerCounts(report: StepReport, cacheOn: boolean): string {
  const n = report.layers.length;
  const hits = report.layers.filter((l) => l.cached).length;
  if (report.layersFrom === 'archive') {
    // Compressed here (for a push) or taken compressed from the cache; nothing is built.
    const parts = [...(cacheOn && hits ? [`${hits} compressed form${hits === 1 ? '' : 's'} from the layer cache`] : []), ...(report.produced ? [`${report.produced} compressed here`] : [])];
    return `${n} from the archive${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
  return `${n} (${cacheOn ? `${hits} from the layer cache, ` : ''}${report.produced} produced)`;
}
