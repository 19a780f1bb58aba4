// The image config of buildImage, byte for byte as nixpkgs writes it. Pure: data in,
// bytes out.
//
// nixpkgs (pkgs/build-support/docker/default.nix, buildImage) starts from
//   baseJson = builtins.toJSON { inherit created config architecture; preferLocalBuild = true; os = "linux"; }
// (keys sorted at every depth, as toJSON sorts attribute names), then edits it with jq:
//   .config.Env = $baseenv + .config.Env        base image Env first, no de-duplication;
//                                               a config without Env gets it last, and
//                                               config = null becomes {"Env": [...]}
//   . + {"rootfs": {"diff_ids": [], "type": "layers"}}
//   per layer, bottom to top: .history += [{"created": <created>}], .rootfs.diff_ids += [<diff_id>]
// and writes `echo "$imageJson"`: jq's indented output and a newline. The file is named by
// the sha256 of exactly those bytes, so the image ID matches nixpkgs' when the layers do.
// (History comments and the base image's history are not kept; `preferLocalBuild` really
// ends up in the config.)

import { sortKeysDeep } from '../../image/pyjson.ts';
import { formatCreated } from '../../image/config.ts';
import { toDate } from '../../spec/parse.ts';
import { SpecError } from '../../spec/errors.ts';

export interface BuildImageConfigInput {
  /** The `created` value as it goes into the config (see createdValue). */
  created: string;
  architecture: string;
  /** The OCI variant of a multi-platform image's platform (`v7` for linux/arm/v7). */
  variant?: string;
  config: Record<string, unknown> | null;
  /** `config.Env` of the base image, if any. */
  baseEnv: unknown;
  /** Every layer's diff_id, base layers first. */
  diffIds: string[];
}

export function buildImageConfig(input: BuildImageConfigInput): Record<string, unknown> {
  const image = sortKeysDeep({
    architecture: input.architecture,
    config: input.config,
    created: input.created,
    os: 'linux',
    preferLocalBuild: true,
    ...(input.variant ? { variant: input.variant } : {}),
  }) as Record<string, unknown>;
  const config = (image.config ?? {}) as Record<string, unknown>;
  const own = config.Env ?? null;
  if (own !== null && !Array.isArray(own)) throw new SpecError('config', 'Env must be a list of "NAME=value" strings');
  const base = Array.isArray(input.baseEnv) ? input.baseEnv : [];
  config.Env = [...base, ...(own ?? [])];
  image.config = config;
  image.rootfs = { diff_ids: [...input.diffIds], type: 'layers' };
  image.history = input.diffIds.map(() => ({ created: input.created }));
  return image;
}

export function buildImageConfigBytes(input: BuildImageConfigInput): Buffer {
  return Buffer.from(`${jqJson(buildImageConfig(input))}\n`, 'utf8');
}

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `created` as it goes into the config. nixpkgs copies the attribute as given, and for
 * "now" writes `TZ=utc date --iso-8601=seconds` (2024-05-06T07:08:09+00:00). Other
 * ISO-8601 forms Docker cannot parse (a date alone, no offset) are written in that form
 * too, rather than as an image `docker load` rejects.
 */
export function createdValue(created: string, now: Date): string {
  if (created === 'now') return formatCreated(now, false);
  if (RFC_3339.test(created)) return created;
  return formatCreated(toDate(created), false);
}

/** JSON text as `jq .` (jq 1.6) prints it: two-space indentation, UTF-8 kept, jq's numbers. */
export function jqJson(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return jqNumber(value);
  if (typeof value === 'string') return jqString(value);
  const pad = `\n${'  '.repeat(depth + 1)}`;
  const end = `\n${'  '.repeat(depth)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${pad}${value.map((v) => jqJson(v, depth + 1)).join(`,${pad}`)}${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{${pad}${entries.map(([k, v]) => `${jqString(k)}: ${jqJson(v, depth + 1)}`).join(`,${pad}`)}${end}}`;
}

function jqString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c >= 0x20 && c !== 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * jq 1.6 prints the shortest round-trip digits, in exponent form when the decimal point
 * is 4+ places left of them or more than 15 places right of them (1e+16, 1e-05).
 */
function jqNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as JSON`);
  if (Object.is(n, -0)) return '-0';
  const [mantissa, exp] = Math.abs(n).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exp) + 1;
  const sign = n < 0 ? '-' : '';
  if (decpt <= -4 || decpt > digits.length + 15) {
    const e = decpt - 1;
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
