// One build, whatever the entry: spec → plan (the function's) → delivery (file, stdout,
// Docker, registries) → the report. The CLI and the action differ only in how they get
// their options and show the result.

import type { Writable } from 'node:stream';
import type { LayerCache } from '../cache/index.ts';
import type { KvmMode } from '../vm/index.ts';
import { isBuildImageSpec, isNixShellImageSpec, type ImageSpec } from '../spec/index.ts';
import { nixVersion, prefetchValidity, storeDir } from '../nix/index.ts';
import { defaultCompressPool } from '../compress/pool.ts';
import { defaultHashPool } from '../util/hashPool.ts';
import type { Logger } from '../util/log.ts';
import { makeTempDir, removeTempDir } from '../util/cleanup.ts';
import { buildImagePassthru, isBuildImagePlan, layerFileFor, planBuildImage } from './buildImage.ts';
import { deliver, type BuildResult, type DeliverOptions } from './deliver.ts';
import type { AttestedImage } from '../sinks/push.ts';
import { planLayeredImage, type BuildContext, type ImagePlan } from './layeredImage.ts';
import { planNixShellImage } from './nixShellImage.ts';
import { Attestor, type AttestationSettings, type SbomReport } from '../sbom/index.ts';

export interface BuildRequest {
  spec: ImageSpec;
  out?: string;
  stdout?: Writable;
  load: boolean;
  push?: DeliverOptions['push'];
  cache?: LayerCache;
  /** runAsRoot's VM: KVM or TCG (src/vm; default auto). */
  kvm?: KvmMode;
  /** SBOM and provenance: files, and statements attached to pushed images. */
  attest?: AttestationSettings;
  /** Where temporary files go; a fresh directory is made (and removed) under it. */
  tmpDir: string;
  log: Logger;
}

export interface BuildReport extends BuildResult {
  function: string;
  storeLayers: string[][];
  /** buildImage: dockerTools' passthru (imageTag, buildArgs, layer). */
  buildArgs?: unknown;
  layer?: string | null;
  passthru?: unknown;
  /** The SBOM and provenance files, when asked. */
  sbom?: SbomReport;
}

export async function build(req: BuildRequest): Promise<BuildReport> {
  const { spec, log } = req;
  // Hashing and compression workers boot while Nix is asked about the closure.
  defaultHashPool().warm();
  if (spec.compressor !== 'none' && (req.out || req.push)) defaultCompressPool().warm();
  // Asked while Nix is asked for its store: its version (for the closure query) and
  // whether the store paths the contents lead to are valid (for realise).
  nixVersion().catch(() => {});
  const lists = ['contents' in spec ? spec.contents : null, 'copyToRoot' in spec ? spec.copyToRoot : null];
  prefetchValidity(lists.flatMap((l) => (Array.isArray(l) ? l : [])));
  const workDir = await makeTempDir(req.tmpDir, 'nix-docker-');
  try {
    const ctx: BuildContext = { workDir, log, now: new Date(), storeDir: await storeDir(), cache: req.cache, compressor: spec.compressor, kvm: req.kvm };
    const plan: ImagePlan = isBuildImageSpec(spec)
      ? await planBuildImage(spec, ctx, { layerFile: req.out ? layerFileFor(req.out) : null })
      : isNixShellImageSpec(spec)
        ? await planNixShellImage(spec, ctx)
        : await planLayeredImage(spec, ctx);
    let result: BuildResult;
    const { fn, ...attributes } = spec;
    const attestor = req.attest && (req.attest.sbom || req.attest.provenance !== 'false') ? new Attestor(req.attest, fn, attributes, log) : undefined;
    // Nix is asked about the image's paths while the layers are written.
    attestor?.prepare(plan).catch(() => {});
    const push = req.push && attestor ? { ...req.push, settings: { ...req.push.settings, attest: (image: AttestedImage) => attestor.statements(plan, image) } } : req.push;
    let sbom: SbomReport | undefined;
    try {
      result = await deliver(plan, { out: req.out, stdout: req.stdout, load: req.load, push, cache: req.cache, compressor: spec.compressor, log });
      if (attestor) sbom = await log.group('Writing the SBOM and provenance', () => attestor.writeFiles(plan, result));
      if (isBuildImagePlan(plan)) await plan.commitLayer();
    } finally {
      await plan.dispose();
    }
    // buildImage reports dockerTools' passthru; the layered functions the `passthru` attribute they were given.
    const extra = isBuildImagePlan(plan)
      ? { buildArgs: plan.buildArgs, layer: plan.layerFile, passthru: buildImagePassthru(plan, result.imageTag) }
      : { passthru: 'passthru' in spec ? (spec.passthru ?? undefined) : undefined };
    return { function: spec.fn, ...result, storeLayers: plan.storeLayers, ...extra, ...(sbom ? { sbom } : {}) };
  } finally {
    await removeTempDir(workDir);
  }
}
