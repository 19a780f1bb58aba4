// Attributes (from a spec file, CLI flags or action inputs) → one typed, validated spec.
// Text values (flags, inputs) are coerced by the attribute's kind; JSON values are checked as they are.

import { parse as parseYaml } from 'yaml';
import { FUNCTIONS, type Attribute, type FunctionName, type Kind } from './attributes.ts';
import { SpecError } from './errors.ts';
import { formatProblem } from './formats.ts';

/** A raw value: JSON from a spec file, or text (and repeated text) from flags and inputs. */
export type RawValue = { json: unknown } | { text: string[] };
export type RawAttributes = Map<string, RawValue>;

export type Spec = Record<string, unknown>;

export function parseAttributes(fn: FunctionName, raw: RawAttributes): Spec {
  const table: Record<string, Attribute> = FUNCTIONS[fn];
  for (const key of raw.keys()) {
    if (!Object.hasOwn(table, key)) {
      throw new SpecError(key, `not an attribute of ${fn} (known: ${Object.keys(table).join(', ')})`);
    }
  }
  const spec: Spec = {};
  for (const [key, attr] of Object.entries(table)) {
    const value = raw.get(key);
    const given = value === undefined ? undefined : 'json' in value ? value.json : fromText(key, attr.kind, value.text);
    if (given === undefined) {
      if (attr.required) throw new SpecError(key, 'is required');
      spec[key] = attr.default ?? null;
      continue;
    }
    spec[key] = check(key, attr.kind, given);
  }
  return spec;
}

/** Text → a JSON-shaped value, or undefined where empty text means "not given" (an action input left blank). */
function fromText(key: string, kind: Kind, texts: string[]): unknown {
  const nonEmpty = texts.filter((t) => t.trim() !== '');
  if (nonEmpty.length === 0) return undefined;
  if (kind.type === 'paths') {
    // Repeated flags, a JSON list, or one path per line (multi-line action inputs).
    const out: string[] = [];
    for (const t of nonEmpty) {
      const s = t.trim();
      if (s.startsWith('[')) {
        const list = parseJson(key, s);
        if (!Array.isArray(list)) throw new SpecError(key, 'expected a path or a list of paths');
        out.push(...list.map((p) => String(p)));
      } else out.push(...s.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
    }
    return out;
  }
  if (nonEmpty.length > 1) throw new SpecError(key, 'given more than once');
  const text = nonEmpty[0]!.trim();
  switch (kind.type) {
    case 'int':
      if (!/^[+-]?\d+$/.test(text)) throw new SpecError(key, `expected an integer, got '${text}'`);
      return Number(text);
    case 'bool':
      if (/^(true|True|TRUE)$/.test(text)) return true;
      if (/^(false|False|FALSE)$/.test(text)) return false;
      throw new SpecError(key, `expected true or false, got '${text}'`);
    case 'object':
      return text === 'null' ? null : parseObjectText(key, text);
    case 'json':
      return /^[[{"]/.test(text) ? parseJson(key, text) : text;
    case 'string':
      return kind.nullable && text === 'null' ? null : nonEmpty[0];
    default:
      return text;
  }
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SpecError(key, `invalid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Objects may be JSON or YAML (a workflow's `config:` block reads better as YAML). */
function parseObjectText(key: string, text: string): unknown {
  if (text.startsWith('{')) return parseJson(key, text);
  try {
    return parseYaml(text);
  } catch (err) {
    // The yaml library's message ends with the line at fault and a pointer under the column: kept whole.
    throw new SpecError(key, `invalid JSON or YAML: ${(err as Error).message.trimEnd()}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function check(key: string, kind: Kind, v: unknown): unknown {
  const fail = (expected: string): never => {
    throw new SpecError(key, `expected ${expected}, got ${describe(v)}`);
  };
  switch (kind.type) {
    case 'string':
      if (v === null && kind.nullable) return null;
      if (typeof v !== 'string') return fail(kind.nullable ? 'a string or null' : 'a string');
      if (kind.nonEmpty && v === '') return fail('a non-empty string');
      if (kind.format) {
        const problem = formatProblem(kind.format, v);
        if (problem) throw new SpecError(key, problem);
      }
      return v;
    case 'int': {
      if (v === null && kind.nullable) return null;
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail('an integer');
      if (kind.min !== undefined && v < kind.min) return fail(`an integer >= ${kind.min}`);
      if (kind.max !== undefined && v > kind.max) return fail(`an integer <= ${kind.max}`);
      return v;
    }
    case 'bool':
      return typeof v === 'boolean' ? v : fail('true or false');
    case 'enum':
      return typeof v === 'string' && kind.values.includes(v) ? v : fail(`one of ${kind.values.join(', ')}`);
    case 'path':
      if (v === null && kind.nullable) return null;
      return typeof v === 'string' && v !== '' ? v : fail('a path');
    case 'paths': {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) return fail('a path or a list of paths');
      if (kind.minItems !== undefined && list.length < kind.minItems) return fail(`a list of at least ${kind.minItems} path${kind.minItems === 1 ? '' : 's'}`);
      return list;
    }
    case 'object':
      if (v === null && kind.nullable) return null;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : fail('an attribute set (JSON object)');
    case 'time':
      if (typeof v !== 'string' || (v !== 'now' && (!ISO_8601.test(v) || Number.isNaN(toDate(v).getTime())))) {
        return fail('an ISO-8601 date and time or "now"');
      }
      return v;
    case 'json':
      return v;
  }
}

/** ISO-8601 → Date; a time without an offset is UTC, as in Nix's build sandbox. */
export function toDate(iso: string): Date {
  let s = iso.replace(' ', 'T');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += 'Z';
  s = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return new Date(s);
}
