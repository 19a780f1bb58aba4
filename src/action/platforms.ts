// The action's multi-platform inputs, read beside inputs.ts: `platforms` (build-push-action's
// syntax) builds one image per platform under one index; `push-by-digest` pushes that
// index without a tag (a job of the matrix pattern); `function: manifest` merges such
// digests (`sources`) into one index under the push references (the matrix's last job).

import { checkPlatformsSpec, MULTI_PLATFORM_FUNCTIONS, type PlatformsSpec } from '../functions/platforms.ts';
import { hostPlatform, parsePlatforms, platformName, PlatformError, type TargetPlatform } from '../image/platform.ts';
import { isDigest, parseReference, type Reference } from '../registry/index.ts';
import { Input, MANIFEST_FUNCTION } from './constants.ts';
import { allAttributeNames, booleanInput, InputError, listInput, type InputReader, type Target } from './inputs.ts';

/** `platforms` given: the platforms, and whether the push goes by digest only. */
export interface PlatformsInput {
  platforms: TargetPlatform[];
  byDigest: boolean;
}

/** One image to merge: a reference, or a digest in each repository pushed to. */
export type ManifestSource = { ref: Reference } | { digest: string };

/** `function: manifest`: the images in `sources` under one index at the push references. */
export interface ManifestTarget {
  kind: 'manifest';
  sources: ManifestSource[];
}

export const isManifestFunction = (fn: string): boolean => fn === MANIFEST_FUNCTION;

/** The manifest mode's own inputs; attribute and build inputs are refused, naming them. */
export function manifestTarget(read: InputReader): ManifestTarget {
  const attribute = allAttributeNames().find((n) => read(n) !== '');
  if (attribute) throw new InputError(attribute, `not used with function: ${MANIFEST_FUNCTION} (it merges images pushed already)`);
  for (const input of [Input.Image, Input.Labels, Input.Platforms]) {
    if (read(input) !== '') throw new InputError(input, `not used with function: ${MANIFEST_FUNCTION} (it merges images pushed already)`);
  }
  const lines = listInput(read(Input.Sources));
  if (lines.length === 0) throw new InputError(Input.Sources, `is required with function: ${MANIFEST_FUNCTION}: the images to merge, one per line (repository@sha256:..., or sha256:... in the repositories pushed to)`);
  const sources = lines.map((line): ManifestSource => {
    if (isDigest(line)) return { digest: line };
    // Else it would read as the Docker Hub repository `sha256` with a tag.
    if (/^sha\d+:/.test(line)) throw new InputError(Input.Sources, `'${line}' is not a digest (sha256: and 64 hex digits)`);
    try {
      return { ref: parseReference(line) };
    } catch (err) {
      throw new InputError(Input.Sources, (err as Error).message);
    }
  });
  return { kind: 'manifest', sources };
}

/**
 * `platforms` and `push-by-digest` against the rest of the inputs; null when `platforms`
 * is not given. Also checks what the manifest mode needs of the common inputs.
 */
export function platformsInput(read: InputReader, target: Target, other: { push: boolean; tags: string[]; format: string }): PlatformsInput | null {
  const byDigest = booleanInput(read, Input.PushByDigest, false);
  if (target.kind === 'manifest') {
    if (!other.push) throw new InputError(Input.Push, `function: ${MANIFEST_FUNCTION} pushes an index: set push: true, with the references in 'tags'`);
    if (other.tags.length === 0) throw new InputError(Input.Tags, `function: ${MANIFEST_FUNCTION} puts the index at these references; give at least one`);
    if (byDigest) throw new InputError(Input.PushByDigest, `not used with function: ${MANIFEST_FUNCTION}: the index goes under the push references' tags`);
    for (const input of [Input.Load, Input.Artifact]) {
      if (booleanInput(read, input, false)) throw new InputError(input, `not used with function: ${MANIFEST_FUNCTION}: the index is in the registry only`);
    }
    if (read(Input.Out) !== '') throw new InputError(Input.Out, `not used with function: ${MANIFEST_FUNCTION}: the index is in the registry only`);
    return null;
  }
  const text = read(Input.Platforms);
  if (text === '') {
    if (byDigest) throw new InputError(Input.PushByDigest, "goes with 'platforms' (list the job's platform); a single-platform image is pushed under its tags");
    return null;
  }
  if (target.kind !== 'build' || !MULTI_PLATFORM_FUNCTIONS.includes(target.spec.fn)) {
    const what = target.kind === 'build' ? `${target.spec.fn} builds for one platform` : `not used with ${target.kind === 'image' ? "'image'" : target.kind === 'pull' ? 'pullImage' : target.kind === 'merge' ? 'mergeImages' : 'exportImage'}`;
    throw new InputError(Input.Platforms, `${what}; ${MULTI_PLATFORM_FUNCTIONS.join(', ')} take platforms`);
  }
  // runAsRoot and fromImage fail here, before KVM is set up for them.
  checkPlatformsSpec(target.spec as PlatformsSpec);
  if (byDigest && !other.push) throw new InputError(Input.PushByDigest, "needs push: true (the repositories in 'tags', else the image's name)");
  if (other.format === 'docker') throw new InputError(Input.Format, "a multi-platform image is an OCI index of OCI manifests; leave format at auto (or oci) with 'platforms'");
  let parsed: TargetPlatform[];
  try {
    parsed = parsePlatforms(text);
  } catch (err) {
    if (err instanceof PlatformError) throw new InputError(Input.Platforms, err.message);
    throw err;
  }
  const host = hostPlatform();
  if (booleanInput(read, Input.Load, false) && !parsed.some((p) => p.system === host.system)) {
    throw new InputError(Input.Load, `Docker loads the runner's own platform (${platformName(host)}), which 'platforms' does not list`);
  }
  return { platforms: parsed, byDigest };
}
