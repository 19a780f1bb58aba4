// The one entry to specs: attributes from a spec file, CLI flags or action inputs → a typed spec.

import fs from 'node:fs';
import { FUNCTIONS, PLANNED_FUNCTIONS, isFunctionName, type Compressor, type FunctionName } from './attributes.ts';
import { SpecError, UsageError } from './errors.ts';
import { parseAttributes, toDate, type RawAttributes } from './parse.ts';
import { hostArchitecture } from '../image/config.ts';
import { checkImageConfig } from './imageConfig.ts';

export { SpecError, UsageError } from './errors.ts';
export type { RawAttributes, RawValue } from './parse.ts';
export { FUNCTIONS, PLANNED_FUNCTIONS, type FunctionName } from './attributes.ts';

export interface LayeredImageSpec {
  fn: 'streamLayeredImage' | 'buildLayeredImage' | 'buildLayeredImageWithNixDb';
  name: string;
  tag: string | null;
  fromImage: string | null;
  contents: string[];
  config: Record<string, unknown> | null;
  architecture: string;
  /** The `created` attribute as given ("now" or ISO-8601). */
  created: string;
  mtime: string;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  maxLayers: number;
  extraCommands: string;
  fakeRootCommands: string;
  enableFakechroot: boolean;
  includeStorePaths: boolean;
  includeNixDB: boolean;
  compressor: Compressor;
  layeringPipeline: unknown;
  passthru: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
  debug: boolean;
  /**
   * Not an attribute (streamNixShellImage sets it): store paths the config names as text
   * only, which do not join the image (as a string without Nix context does not).
   */
  configTextOnly?: readonly string[];
}

export interface BuildImageSpec {
  fn: 'buildImage' | 'buildImageWithNixDb';
  name: string;
  tag: string | null;
  fromImage: string | null;
  fromImageName: string | null;
  fromImageTag: string | null;
  copyToRoot: string[] | null;
  /** Deprecated spelling of copyToRoot. */
  contents: string[] | null;
  keepContentsDirlinks: boolean;
  runAsRoot: string | null;
  extraCommands: string;
  config: Record<string, unknown> | null;
  architecture: string;
  diskSize: number;
  buildVMMemorySize: number;
  /** The `created` attribute as given ("now" or ISO-8601). */
  created: string;
  uid: number;
  gid: number;
  compressor: Compressor;
  includeNixDB: boolean;
  /** The attributes as the caller gave them (dockerTools' passthru.buildArgs). */
  buildArgs: Record<string, unknown>;
}

export interface NixShellImageSpec {
  fn: 'streamNixShellImage' | 'buildNixShellImage';
  drv: string;
  /** null: the derivation's name + "-env". */
  name: string | null;
  tag: string | null;
  uid: number;
  gid: number;
  homeDirectory: string;
  /** null: bin/bash of the package source's bashInteractive. */
  shell: string | null;
  command: string | null;
  run: string | null;
  compressor: Compressor;
  architecture: string;
  /** Not an attribute: entries merged over the generated config (the action's `labels`). */
  config?: Record<string, unknown> | null;
}

export type ImageSpec = LayeredImageSpec | BuildImageSpec | NixShellImageSpec;

type BuildImageFunction = BuildImageSpec['fn'];
type NixShellFunction = NixShellImageSpec['fn'];
export type SpecFor<F extends FunctionName> = F extends BuildImageFunction ? BuildImageSpec : F extends NixShellFunction ? NixShellImageSpec : LayeredImageSpec;

export function isBuildImageSpec(spec: ImageSpec): spec is BuildImageSpec {
  return spec.fn === 'buildImage' || spec.fn === 'buildImageWithNixDb';
}

export function isNixShellImageSpec(spec: ImageSpec): spec is NixShellImageSpec {
  return spec.fn === 'streamNixShellImage' || spec.fn === 'buildNixShellImage';
}

/** Checks the function name: known, or known but arriving later (said clearly), or unknown. */
export function functionName(name: string | undefined): FunctionName {
  if (name === undefined) throw new UsageError(`no function given; one of: ${Object.keys(FUNCTIONS).join(', ')}`);
  if (isFunctionName(name)) return name;
  if ((PLANNED_FUNCTIONS as readonly string[]).includes(name)) {
    throw new UsageError(`function '${name}' is not available in this version yet; available: ${Object.keys(FUNCTIONS).join(', ')}`);
  }
  throw new UsageError(`unknown function '${name}'; available: ${Object.keys(FUNCTIONS).join(', ')}`);
}

export interface ParseOptions {
  /** Where warnings go (config fields the image spec does not have); the CLI's stderr, the action's annotations. */
  warn?: (message: string) => void;
}

export function parseSpec<F extends FunctionName>(fn: F, raw: RawAttributes, opts: ParseOptions = {}): SpecFor<F> {
  const attrs = parseAttributes(fn, raw);
  // Checked before anything is built: a wrong type would otherwise surface only where the image is read.
  if (attrs.config !== null && typeof attrs.config === 'object') for (const w of checkImageConfig(attrs.config as Record<string, unknown>)) opts.warn?.(w);
  const given = Object.fromEntries([...raw.keys()].map((k) => [k, attrs[k]]));
  attrs.architecture ??= hostArchitecture();
  if (fn === 'buildImage') attrs.buildArgs = given;
  // buildImageWithNixDb = args: buildImage (args // { includeNixDB = true; })
  if (fn === 'buildImageWithNixDb') attrs.buildArgs = { ...given, includeNixDB: true };
  // nixpkgs: assert command == null || run == null ("Can't specify both command and run").
  if ((fn === 'streamNixShellImage' || fn === 'buildNixShellImage') && attrs.command != null && attrs.run != null) {
    throw new SpecError('run', "cannot be given together with 'command' (both are what the shell runs; give one)");
  }
  return { fn, ...attrs } as unknown as SpecFor<F>;
}

/** Reads `--spec FILE`: a JSON object of attributes. */
export function readSpecFile(file: string): RawAttributes {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--spec ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--spec ${file}: invalid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--spec ${file}: expected a JSON object of attributes`);
  }
  return new Map(Object.entries(value).map(([k, v]) => [k, { json: v }]));
}

/** Seconds since the epoch for `mtime`-style attributes ("now" = the current time). */
export function epochSeconds(attribute: string, value: string, now: Date): number {
  const d = value === 'now' ? now : toDate(value);
  if (Number.isNaN(d.getTime())) throw new SpecError(attribute, `cannot read '${value}' as a date`);
  return Math.floor(d.getTime() / 1000);
}
