// Action inputs → one typed, validated object, read once at the edge. The dockerTools
// attribute inputs become the same raw attributes the CLI produces, so one spec parser
// serves both (its errors say "attribute 'maxLayers': ...", which the action's failure
// annotation turns into "input 'maxLayers': ...", src/action/run.ts); the action's own
// inputs are kebab-case and their errors say "input 'push': ...". Everything is checked
// here, before anything is built, pulled or written.

import { ATTEST_MODES, parsePushRefs, type AttestMode } from '../sinks/push.ts';
import { DEFAULT_ACTIONS_BUDGET, DEFAULT_PREFIX } from '../cache/actions/index.ts';
import { parseSize } from '../cache/index.ts';
import { resolvePullImageSpec, type PullImageSpec } from '../functions/pullImage.ts';
import type { MergeImagesSpec } from '../functions/mergeImages.ts';
import type { ExportImageSpec } from '../functions/exportImage.ts';
import { FUNCTIONS, functionName, isBuildImageSpec, parseSpec, type FunctionName, type ImageSpec, type RawAttributes } from '../spec/index.ts';
import { FORMATS, Input, KVM_MODES, type KvmInput } from './constants.ts';
import { parseProvenanceMode, type ProvenanceMode } from '../provenance/index.ts';
import { isManifestFunction, manifestTarget, platformsInput, type ManifestTarget, type PlatformsInput } from './platforms.ts';
import { isEmpty, parseAnnotations, type ParsedAnnotations } from './annotations.ts';

/** A bad action-only input: the message names it, in one line. */
export class InputError extends Error {
  override name = 'InputError';
  readonly input: string;
  constructor(input: string, message: string) {
    super(`input '${input}': ${message}`);
    this.input = input;
  }
}

export type Target =
  /** A dockerTools build function. */
  | { kind: 'build'; spec: ImageSpec }
  /** pullImage: the archive file name it writes (nixpkgs' `name`). */
  | { kind: 'pull'; spec: PullImageSpec; archiveName: string }
  /** An image dockerTools built already: a path or installable (`image` input). */
  | { kind: 'image'; item: string }
  /** mergeImages: several archives into one (a file, maybe loaded; never pushed). */
  | { kind: 'merge'; spec: MergeImagesSpec }
  /** exportImage: an image's filesystem as a tar (a file; no image to load or push). */
  | { kind: 'export'; spec: ExportImageSpec }
  /** `function: manifest`: images pushed already, merged into one index (./platforms.ts). */
  | ManifestTarget;

export interface ActionInputs {
  target: Target;
  /** Where the archive goes; null = $RUNNER_TEMP/<name><ext>. */
  out: string | null;
  load: boolean;
  /** The artifact's name; '' = the archive's file name; null = no artifact. */
  artifact: string | null;
  /** actions/upload-artifact's: delete an artifact of the same name first; days to keep it (0: the repository's default). */
  artifactOptions: { overwrite: boolean; retentionDays: number };
  /** build-push-action's `push`: whether to push at all. */
  push: boolean;
  /** The references: pushed to with `push`, else tags of the image loaded into Docker. Empty: the image's own name:tag. */
  tags: string[];
  annotations: ParsedAnnotations;
  /** Write the job summary. */
  summary: boolean;
  /** Said once the inputs are read (core.warning / core.notice): nothing here is fatal. */
  warnings: string[];
  notices: string[];
  auth?: { username: string; password: string };
  githubToken: string | null;
  tlsVerify: boolean;
  format: (typeof FORMATS)[number];
  cache: { enabled: boolean; prefix: string; budget: number };
  kvm: KvmInput;
  /** SBOM files (SPDX, CycloneDX), attached to pushed images. */
  sbom: boolean;
  provenance: ProvenanceMode;
  attestations: AttestMode;
  /** `platforms` (and `push-by-digest`): one image per platform under one index; null for one platform. */
  platforms: PlatformsInput | null;
}

/** Reads one input the way @actions/core does: INPUT_<NAME upper-cased, spaces as _>, trimmed. */
export type InputReader = (name: string) => string;

export function envInputs(env: NodeJS.ProcessEnv): InputReader {
  return (name) => (env[inputVariable(name)] ?? '').trim();
}

const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** Every attribute name any function takes (the action.yml lists them all). */
export function allAttributeNames(): string[] {
  return [...new Set(Object.values(FUNCTIONS).flatMap((t) => Object.keys(t)))].sort();
}

/** Every input of the action: its own and the attributes. */
export function allInputNames(): string[] {
  return [...Object.values(Input), ...allAttributeNames()];
}

/**
 * The attribute inputs given, as raw attributes. An attribute the chosen function does
 * not take stays in: the spec parser refuses it, naming it, as it does for the CLI.
 */
export function readAttributeInputs(read: InputReader): RawAttributes {
  const raw: RawAttributes = new Map();
  for (const name of allAttributeNames()) {
    const value = read(name);
    if (value !== '') raw.set(name, { text: [value] });
  }
  return raw;
}

/**
 * The runner passes every `with:` entry as INPUT_<NAME>, known or not, and only warns
 * about unknown ones; a misspelt attribute would silently fall back to its default, so
 * it is an error here, with the nearest known name.
 */
export function checkUnknownInputs(env: NodeJS.ProcessEnv): void {
  const known = new Map(allInputNames().map((n) => [inputVariable(n), n]));
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith('INPUT_') || known.has(key)) continue;
    const given = key.slice('INPUT_'.length).toLowerCase();
    const near = nearest(given, [...known.values()]);
    throw new InputError(given, `not an input of this action${near ? ` (did you mean '${near}'?)` : ' (check its spelling)'}`);
  }
}

function nearest(name: string, names: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const exact = names.find((n) => norm(n) === norm(name));
  if (exact) return exact;
  let best: [string, number] | undefined;
  for (const n of names) {
    const d = editDistance(norm(n), norm(name));
    if (d <= 2 && (!best || d < best[1])) best = [n, d];
  }
  return best?.[0];
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function booleanInput(read: InputReader, name: string, fallback: boolean): boolean {
  const v = read(name);
  if (v === '') return fallback;
  if (/^(true|True|TRUE)$/.test(v)) return true;
  if (/^(false|False|FALSE)$/.test(v)) return false;
  throw new InputError(name, `expected true or false, got '${v}'`);
}

function oneOf<T extends string>(read: InputReader, name: string, values: readonly T[], fallback: T): T {
  const v = read(name);
  if (v === '') return fallback;
  if ((values as readonly string[]).includes(v)) return v as T;
  throw new InputError(name, `expected one of ${values.join(', ')}, got '${v}'`);
}

/** A list input: one item per line or comma-separated (docker/metadata-action's `tags` output works as is). */
export function listInput(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

/** `labels`: one key=value per line, as docker/metadata-action's `labels` output gives them. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  text.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) return;
    const eq = l.indexOf('=');
    if (eq <= 0) throw new InputError(Input.Labels, `line ${i + 1}: expected key=value, got '${l.length > 60 ? `${l.slice(0, 60)}…` : l}'`);
    labels[l.slice(0, eq).trim()] = l.slice(eq + 1).trim();
  });
  return labels;
}

/**
 * `push`, as docker/build-push-action has it: a boolean. A reference here (this action's
 * old form, or a habit from elsewhere) would otherwise be built and then fail, or push
 * to Docker Hub as `library/true`: it is refused before anything is built.
 */
function pushInput(read: InputReader): boolean {
  const v = read(Input.Push);
  if (v === '' || /^(false|False|FALSE)$/.test(v)) return false;
  if (/^(true|True|TRUE)$/.test(v)) return true;
  throw new InputError(Input.Push, `expected true or false, got '${v.length > 60 ? `${v.slice(0, 60)}…` : v}': the references to push to go in 'tags' (as with docker/build-push-action)`);
}

/** `retention-days` as actions/upload-artifact reads it: whole days, 0 (or empty) for the repository's default. */
function retentionDaysInput(read: InputReader): number {
  const v = read(Input.RetentionDays);
  if (v === '') return 0;
  if (!/^\d+$/.test(v) || Number(v) > 90) throw new InputError(Input.RetentionDays, `expected a number of days from 1 to 90 (0: the repository's default), got '${v}'`);
  return Number(v);
}

/** Characters the artifact service refuses in a name (the client checks the same). */
const ARTIFACT_NAME_FORBIDDEN = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

function artifactInput(read: InputReader): string | null {
  const v = read(Input.Artifact);
  if (v === '' || /^(false|False|FALSE)$/.test(v)) return null;
  if (/^(true|True|TRUE)$/.test(v)) return '';
  const bad = ARTIFACT_NAME_FORBIDDEN.find((c) => v.includes(c));
  if (bad) throw new InputError(Input.Artifact, `the artifact name '${v}' contains ${JSON.stringify(bad)}, which artifact names cannot hold`);
  return v;
}

function targetInputs(read: InputReader, warn: (message: string) => void): Target {
  const image = read(Input.Image);
  const fnText = read(Input.Function);
  if (image !== '') {
    if (fnText !== '') throw new InputError(Input.Function, `not used with 'image' (the image is built already); give one of them`);
    const attribute = allAttributeNames().find((n) => read(n) !== '');
    if (attribute) throw new InputError(attribute, `not used with 'image': the image is delivered as it was built (its name and tag are kept)`);
    if (read(Input.Labels) !== '') throw new InputError(Input.Labels, `not used with 'image': the image is delivered as it was built`);
    return { kind: 'image', item: image };
  }
  if (isManifestFunction(fnText)) return manifestTarget(read);
  let fn: FunctionName;
  try {
    fn = functionName(fnText || 'buildLayeredImage');
  } catch (err) {
    throw new InputError(Input.Function, (err as Error).message);
  }
  const raw = readAttributeInputs(read);
  if (fn === 'pullImage') {
    if (read(Input.Labels) !== '') throw new InputError(Input.Labels, 'not used with pullImage: the image is delivered as the registry has it');
    const spec = parseSpec(fn, raw) as unknown as PullImageSpec;
    return { kind: 'pull', spec, archiveName: resolvePullImageSpec(spec).name };
  }
  if (fn === 'mergeImages') {
    if (read(Input.Labels) !== '') throw new InputError(Input.Labels, 'not used with mergeImages: the images are merged as they were built');
    return { kind: 'merge', spec: parseSpec(fn, raw) as unknown as MergeImagesSpec };
  }
  if (fn === 'exportImage') {
    if (read(Input.Labels) !== '') throw new InputError(Input.Labels, 'not used with exportImage: its output is a filesystem, which has no config');
    return { kind: 'export', spec: parseSpec(fn, raw) as unknown as ExportImageSpec };
  }
  const spec = parseSpec(fn, raw, { warn });
  const labels = parseLabels(read(Input.Labels));
  if (Object.keys(labels).length) withLabels(spec, labels);
  return { kind: 'build', spec };
}

/** Merges `labels` into config.Labels (the input wins over the same key in `config`). */
function withLabels(spec: ImageSpec, labels: Record<string, string>): void {
  const config = spec.config ?? {};
  const current = config.Labels;
  if (current !== undefined && current !== null && (typeof current !== 'object' || Array.isArray(current))) {
    throw new InputError(Input.Labels, 'config.Labels is not an attribute set, so labels cannot be merged into it');
  }
  spec.config = { ...config, Labels: { ...(current as Record<string, unknown> | null | undefined), ...labels } };
  if (isBuildImageSpec(spec) && spec.buildArgs && typeof spec.buildArgs === 'object') spec.buildArgs = { ...spec.buildArgs, config: spec.config };
}

const EXPORT_IS_NOT_AN_IMAGE = 'it writes a filesystem tar, not an image (`docker image import` makes one of it; `artifact` uploads it)';

/** Reads and checks every input; throws InputError / SpecError naming the first bad one. */
export function getInputs(env: NodeJS.ProcessEnv): ActionInputs {
  checkUnknownInputs(env);
  const read = envInputs(env);
  const warnings: string[] = [];
  const target = targetInputs(read, (w) => warnings.push(w));

  const push = pushInput(read);
  const tags = listInput(read(Input.Tags));
  try {
    parsePushRefs(tags, Input.Tags);
  } catch (err) {
    throw new InputError(Input.Tags, (err as Error).message.replace(/^attribute 'tags': /, ''));
  }
  if (target.kind === 'merge' && push) {
    throw new InputError(Input.Push, 'not used with mergeImages: one archive of several images has no single reference; push the images it merges one by one');
  }
  if (target.kind === 'export' && push) throw new InputError(Input.Push, `not used with exportImage: ${EXPORT_IS_NOT_AN_IMAGE}`);
  if ((target.kind === 'merge' || target.kind === 'export') && tags.length > 0) throw new InputError(Input.Tags, `not used with ${target.kind === 'merge' ? 'mergeImages' : 'exportImage'}: there is no one image to name`);
  if (target.kind === 'export' && booleanInput(read, Input.Load, false)) throw new InputError(Input.Load, `not used with exportImage: ${EXPORT_IS_NOT_AN_IMAGE}`);

  const sbom = booleanInput(read, Input.Sbom, false);
  const provenance = parseProvenanceMode(read(Input.Provenance));
  if (!provenance) throw new InputError(Input.Provenance, `expected false, min or max, got '${read(Input.Provenance)}'`);
  // The documents come from the closure this step builds; other images have none here.
  if (target.kind !== 'build' && sbom) throw new InputError(Input.Sbom, 'only for images this step builds (from their Nix closure)');
  if (target.kind !== 'build' && provenance !== 'false') throw new InputError(Input.Provenance, 'only for images this step builds');

  const username = read(Input.RegistryUsername);
  // The password is not trimmed: a secret is used exactly as given (a trailing newline excepted).
  const password = (env[inputVariable(Input.RegistryPassword)] ?? '').replace(/\r?\n$/, '');
  if (username && !password) throw new InputError(Input.RegistryPassword, `is required with '${Input.RegistryUsername}'`);
  if (password && !username) throw new InputError(Input.RegistryUsername, `is required with '${Input.RegistryPassword}'`);

  const format = oneOf(read, Input.Format, FORMATS, 'auto');
  const annotations = parseAnnotations(read(Input.Annotations));
  const notices: string[] = [];
  if (!push && tags.length > 0) {
    notices.push(`input 'tags': nothing is pushed (push is not true)${booleanInput(read, Input.Load, false) ? '; the image loaded into Docker is tagged with them' : '; set push: true to push to them'}`);
  }
  if (push && !isEmpty(annotations.manifest) && format === 'docker') {
    throw new InputError(Input.Annotations, 'a Docker schema 2 manifest has no annotations: use format auto (the image goes as OCI) or oci');
  }
  // An index is pushed only to hold attestations (BuildKit's layout).
  const indexPushed = target.kind === 'build' && (sbom || provenance !== 'false') && oneOf(read, Input.Attestations, ATTEST_MODES, 'index') === 'index';
  if (push && !indexPushed && (!isEmpty(annotations.index) || !isEmpty(annotations.manifestDescriptor))) {
    warnings.push(`input 'annotations': index and manifest-descriptor annotations left out: no index is pushed (one is, with sbom or provenance and attestations: index)`);
  }
  if (push && !isEmpty(annotations.indexDescriptor)) warnings.push(`input 'annotations': index-descriptor annotations left out: they annotate an OCI layout's index.json, which a registry push has not`);

  const prefix = read(Input.CacheKeyPrefix) || DEFAULT_PREFIX;
  if (prefix.includes(',') || prefix.length > 200) throw new InputError(Input.CacheKeyPrefix, 'must be at most 200 characters without commas (Actions cache keys)');
  let budget = DEFAULT_ACTIONS_BUDGET;
  if (read(Input.CacheBudget) !== '') {
    try {
      budget = parseSize(read(Input.CacheBudget));
    } catch (err) {
      throw new InputError(Input.CacheBudget, (err as Error).message);
    }
  }

  return {
    target,
    out: read(Input.Out) || null,
    load: booleanInput(read, Input.Load, false),
    artifact: artifactInput(read),
    artifactOptions: { overwrite: booleanInput(read, Input.Overwrite, false), retentionDays: retentionDaysInput(read) },
    push,
    tags,
    annotations,
    summary: booleanInput(read, Input.Summary, true),
    warnings,
    notices,
    ...(username ? { auth: { username, password } } : {}),
    githubToken: read(Input.GithubToken) || null,
    tlsVerify: booleanInput(read, Input.TlsVerify, true),
    format,
    cache: { enabled: booleanInput(read, Input.Cache, true), prefix, budget },
    kvm: oneOf(read, Input.Kvm, KVM_MODES, 'auto'),
    sbom,
    provenance,
    attestations: oneOf(read, Input.Attestations, ATTEST_MODES, 'index'),
    platforms: platformsInput(read, target, { push, tags, format: read(Input.Format) }),
  };
}

/** The secrets among the inputs, for core.setSecret before anything is logged. */
export function secretsOf(inputs: ActionInputs): string[] {
  return [inputs.auth?.password, inputs.githubToken].filter((s): s is string => !!s);
}
