// The action's main step: inputs (all checked first) → the image (built by the engine,
// pulled, or built already) → delivery (archive file, Docker, registries, artifact) →
// outputs → job summary. The layer cache is looked up here and saved by the post step.
import * as core from '@actions/core';
import os from 'node:os';
import path from 'node:path';
import { isBuildImageSpec } from '../spec/index.ts';
import type { KvmMode } from '../vm/index.ts';
import { openLayerCache } from './cache.ts';
import { Output } from './constants.ts';
import { checkOutDir, logDelivery, namedByPhase, produce, sizeOf, tagLoaded, uploadArtifact } from './deliver.ts';
import { getInputs, secretsOf } from './inputs.ts';
import { prepareKvm, realKvmDeps } from './kvm.ts';
import { ActionLog } from './log.ts';
import { requireNix } from './preflight.ts';
import { registryAccess } from './registryAuth.ts';
import { completeFromPush, layersOutput, metadataOutput, platformsOutput, pushedOutput, shownImage, type StepReport } from './report.ts';
import { run } from './run.ts';
import { state } from './state.ts';
import { writeSummary } from './summary.ts';

function setOutputs(report: StepReport, tags: readonly string[]): void {
  core.setOutput(Output.ImageTag, report.imageTag);
  core.setOutput(Output.Image, shownImage(report));
  // A multi-platform image's index digest is known unpushed: the archive holds the same index.
  core.setOutput(Output.Digest, report.index?.digest ?? report.pushed[0]?.digest ?? '');
  core.setOutput(Output.ImageId, report.configDigest);
  core.setOutput(Output.ImageIdBp, report.configDigest);
  core.setOutput(Output.Metadata, JSON.stringify(metadataOutput(report, tags)));
  core.setOutput(Output.Archive, report.archive ?? '');
  core.setOutput(Output.Pushed, JSON.stringify(pushedOutput(report)));
  core.setOutput(Output.Layers, JSON.stringify(layersOutput(report)));
  if (report.index) core.setOutput(Output.Platforms, JSON.stringify(platformsOutput(report)));
  if (report.sbom?.spdx) core.setOutput(Output.Sbom, report.sbom.spdx);
  if (report.sbom?.cyclonedx) core.setOutput(Output.SbomCyclonedx, report.sbom.cyclonedx);
  if (report.sbom?.provenance) core.setOutput(Output.Provenance, report.sbom.provenance);
}

async function main(): Promise<void> {
  const env = process.env;
  const log = new ActionLog();
  const inputs = getInputs(env);
  for (const secret of secretsOf(inputs)) core.setSecret(secret);
  for (const w of inputs.warnings) core.warning(w);
  for (const n of inputs.notices) core.notice(n);
  state.setMainRan();
  const tmpRoot = path.resolve(env.RUNNER_TEMP || os.tmpdir());
  const target = inputs.target;
  if (inputs.out) await checkOutDir(inputs.out);
  if (target.kind === 'build') requireNix(env);

  let kvm: KvmMode | undefined;
  if (target.kind === 'build' && isBuildImageSpec(target.spec) && target.spec.runAsRoot !== null) {
    const outcome = await log.phase('KVM for runAsRoot', () => prepareKvm(inputs.kvm, realKvmDeps(log, (m) => core.warning(m, { title: 'KVM not available' }), env)));
    kvm = outcome.vm;
  }
  // Images built elsewhere only gain from the cache when pushed (their layers' compressed digests).
  const cache = target.kind === 'build' || (target.kind !== 'manifest' && inputs.push) ? openLayerCache(inputs, env, log) : undefined;

  const access = await registryAccess(inputs, env, tmpRoot, log);
  let report: StepReport;
  try {
    report = await produce(inputs, { env, tmpRoot, log, cache, kvm, access });
  } catch (err) {
    throw namedByPhase(err, log.failedPhase, inputs);
  } finally {
    await access.cleanup();
  }
  completeFromPush(report);
  // Outputs first: a failed tag or artifact upload below still leaves them set.
  setOutputs(report, inputs.tags);
  if (target.kind !== 'manifest') logDelivery(report, log, cache !== undefined);

  const archiveBytes = report.archive ? sizeOf(report.archive) : undefined;
  try {
    if (inputs.load) await tagLoaded(report, inputs.tags, log);
    if (inputs.artifact !== null) {
      report.artifact = await uploadArtifact(report, inputs.artifact, inputs.artifactOptions, tmpRoot, log);
      core.setOutput(Output.ArtifactId, String(report.artifact.id));
      core.setOutput(Output.ArtifactName, report.artifact.name);
    }
  } finally {
    if (inputs.summary) {
      await writeSummary(report, {
        phases: log.phases,
        ...(cache ? { cache: { kind: cache.kind, stats: cache.stats() } } : {}),
        ...(archiveBytes !== undefined ? { archiveBytes } : {}),
      });
    }
  }
  if (inputs.artifact === null && !inputs.load && !inputs.push) log.info(`Wrote ${report.image} to ${report.archive}`);
}

await run(main);
