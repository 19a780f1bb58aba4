// CLI flags → raw attributes + CLI options. Attribute flags carry the documented names
// (`--maxLayers 10`); lists repeat the flag or take JSON; objects, numbers, booleans take
// JSON text; a boolean flag given bare means true.

import { FUNCTIONS, type FunctionName, type RawAttributes } from '../spec/index.ts';
import { SpecError, UsageError } from '../spec/errors.ts';
import { parseProvenanceMode, type ProvenanceMode } from '../provenance/index.ts';
import { ATTEST_MODES, type AttestMode } from '../sinks/push.ts';

export interface CliOptions {
  out?: string;
  load: boolean;
  json: boolean;
  spec?: string;
  workDir?: string;
  verbose: boolean;
  help: boolean;
  /** Registry references to push to (repeatable). */
  push: string[];
  /** Registry TLS verification (and plain HTTP when false). */
  tlsVerify: boolean;
  registryUsername?: string;
  /** Read the registry password from stdin. */
  registryPasswordStdin: boolean;
  format: 'auto' | 'docker' | 'oci';
  cache: boolean;
  cacheDir?: string;
  cacheBudget?: string;
  /** Write an SBOM (SPDX 2.3 and CycloneDX 1.6) and attach it to pushed images. */
  sbom: boolean;
  /** SLSA provenance: false, min or max. */
  provenance: ProvenanceMode;
  /** How attestations go with pushed images: an index (BuildKit's layout) or OCI referrers. */
  attestations: AttestMode;
  /** Target platforms (`linux/amd64,linux/arm64`): one image index (src/functions/platforms.ts). */
  platforms?: string;
  /** With --platforms: push the index by digest only, for a later `manifest` merge (matrix jobs). */
  pushByDigest: boolean;
}

export const CLI_VALUE_FLAGS = new Set(['out', 'spec', 'work-dir', 'push', 'registry-username', 'format', 'cache-dir', 'cache-budget', 'provenance', 'attestations', 'platforms']);
export const CLI_BOOL_FLAGS = new Set(['load', 'json', 'verbose', 'help', 'tls-verify', 'registry-password-stdin', 'cache', 'sbom', 'push-by-digest']);

/**
 * How many arguments a CLI option at `argv[i]` takes with it (0 or 1), by the rules
 * parseArgs applies: a value flag takes the next unless it has `=VALUE`; a boolean flag
 * takes a following `true`/`false`. Subcommands that also take positional arguments
 * (`push ARCHIVE REF`) split them off with this, so flags read the same everywhere.
 */
export function optionArity(argv: readonly string[], i: number): number {
  const m = /^--([^=]+)(=)?/.exec(argv[i] ?? '');
  if (!m || m[2]) return 0;
  if (CLI_VALUE_FLAGS.has(m[1]!)) return 1;
  return CLI_BOOL_FLAGS.has(m[1]!) && /^(true|false)$/.test(argv[i + 1] ?? '') ? 1 : 0;
}

const camel = (flag: string): string => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export function defaultCliOptions(): CliOptions {
  return { load: false, json: false, verbose: false, help: false, push: [], tlsVerify: true, registryPasswordStdin: false, format: 'auto', cache: true, sbom: false, provenance: 'false', attestations: 'index', pushByDigest: false };
}

export function parseArgs(fn: FunctionName, argv: string[]): { options: CliOptions; raw: RawAttributes } {
  const options = defaultCliOptions();
  const raw: RawAttributes = new Map();
  const table: Record<string, { kind: { type: string; nullable?: boolean; nonEmpty?: boolean } }> = FUNCTIONS[fn];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      options.help = true;
      continue;
    }
    if (arg === '-v') {
      options.verbose = true;
      continue;
    }
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new UsageError(`unexpected argument '${arg}' (attributes are given as --name value)`);
    const key = m[1]!;
    let value = m[2];
    const takeValue = (): string => {
      if (value !== undefined) return value;
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`--${key} needs a value`);
      i++;
      return next;
    };
    if (key === 'no-cache') {
      options.cache = false;
      continue;
    }
    if (CLI_BOOL_FLAGS.has(key)) {
      // A word after a boolean flag is its value (and must be true or false), never an argument of its own.
      const next = argv[i + 1];
      if (value === undefined && next !== undefined && !next.startsWith('-')) value = argv[++i];
      if (value !== undefined && !/^(true|false)$/.test(value)) throw new UsageError(`--${key} takes true or false, not '${value}'`);
      (options as unknown as Record<string, boolean>)[camel(key)] = value !== 'false';
      continue;
    }
    if (CLI_VALUE_FLAGS.has(key)) {
      const v = takeValue();
      if (key === 'push') options.push.push(v);
      else if (key === 'format') {
        if (v !== 'auto' && v !== 'docker' && v !== 'oci') throw new UsageError(`--format takes auto, docker or oci, not '${v}'`);
        options.format = v;
      } else if (key === 'provenance') {
        const mode = parseProvenanceMode(v);
        if (!mode) throw new UsageError(`--provenance takes false, min or max, not '${v}'`);
        options.provenance = mode;
      } else if (key === 'attestations') {
        if (!(ATTEST_MODES as readonly string[]).includes(v)) throw new UsageError(`--attestations takes index or referrers, not '${v}'`);
        options.attestations = v as AttestMode;
      } else (options as unknown as Record<string, string>)[camel(key)] = v;
      continue;
    }
    // An attribute; unknown names are reported by the spec parser, which lists the known ones.
    if (table[key]?.kind.type === 'bool' && value === undefined) {
      const next = argv[i + 1];
      value = next !== undefined && !next.startsWith('-') ? (i++, next) : 'true';
    }
    const text = takeValue();
    const prev = raw.get(key);
    if (prev && 'json' in prev) throw new SpecError(key, 'given more than once');
    // A flag given empty is the empty string, as "" is in a spec file, where the attribute
    // takes one and has no null for "unset": `--sha256 ""` asks for the archive's hash.
    // (An action input left blank is not given: the inputs cannot tell the two apart.)
    const kind = table[key]?.kind;
    if (text === '' && !prev && kind?.type === 'string' && !kind.nullable && !kind.nonEmpty) raw.set(key, { json: '' });
    else if (prev) prev.text.push(text);
    else raw.set(key, { text: [text] });
  }
  return { options, raw };
}
