// The `layeringPipeline` language of nixpkgs (flattenReferencesGraph's pipe.py): a JSON
// array of steps `[name, ...args]`, applied in turn to the closure graph. We check the
// whole pipeline before running it, and stricter than nixpkgs, which fails somewhere
// in Python (or quietly does something odd, like reading a string as a list of one-
// character paths) when a step gets the wrong arguments.

import { LayeringError } from '../errors.ts';

export type SplitPathSpec = string | { readonly children_of: string | readonly string[] };

export type PipelineStep =
  | readonly ['popularity_contest']
  | readonly ['flatten']
  | readonly ['reverse']
  | readonly ['limit_layers', number]
  | readonly ['split_every', number]
  | readonly ['remove_paths', string | readonly string[]]
  | readonly ['subcomponent_in', readonly string[]]
  | readonly ['subcomponent_out', readonly string[]]
  | readonly ['split_paths', readonly SplitPathSpec[]]
  | readonly ['over', string, PipelineStep]
  | readonly ['map', PipelineStep]
  | readonly ['pipe', LayeringPipeline];

export type LayeringPipeline = readonly PipelineStep[];

export const STEP_NAMES = [
  'popularity_contest',
  'flatten',
  'reverse',
  'limit_layers',
  'split_every',
  'remove_paths',
  'subcomponent_in',
  'subcomponent_out',
  'split_paths',
  'over',
  'map',
  'pipe',
] as const;

const ATTRIBUTE = 'layeringPipeline';

function fail(where: string, message: string): never {
  throw new LayeringError(ATTRIBUTE, `${where ? `${where} ` : ''}${message}`);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Checks a user's pipeline (parsed JSON); throws a LayeringError naming `layeringPipeline`. */
export function parseLayeringPipeline(value: unknown): LayeringPipeline {
  return parsePipeline(value, '');
}

function parsePipeline(value: unknown, where: string): LayeringPipeline {
  if (!Array.isArray(value)) fail(where, `must be a list of steps, got ${show(value)}`);
  return value.map((step, i) => parseStep(step, `${where}[${i}]`));
}

function parseStep(value: unknown, where: string): PipelineStep {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'string') {
    fail(where, `must be a step like ["popularity_contest"] or ["limit_layers", 100], got ${show(value)}`);
  }
  const [name, ...args] = value as [string, ...unknown[]];
  const arity = (n: number, usage: string) => {
    if (args.length !== n) fail(where, `${name} takes ${n === 0 ? 'no arguments' : usage}, got ${show(value)}`);
  };
  switch (name) {
    case 'popularity_contest':
    case 'flatten':
    case 'reverse':
      arity(0, '');
      return [name];
    case 'limit_layers':
    case 'split_every': {
      arity(1, 'one argument, a positive integer');
      const n = args[0];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(where, `${name} needs a positive integer, got ${show(n)}`);
      return [name, n];
    }
    case 'remove_paths': {
      arity(1, 'one argument, a path or a list of paths');
      const paths = args[0];
      if (typeof paths === 'string') return [name, paths];
      return [name, stringList(paths, where, name)];
    }
    case 'subcomponent_in':
    case 'subcomponent_out':
      arity(1, 'one argument, a list of paths');
      return [name, stringList(args[0], where, name)];
    case 'split_paths': {
      arity(1, 'one argument, a list of paths or {"children_of": ...}');
      if (!Array.isArray(args[0])) fail(where, `split_paths needs a list, got ${show(args[0])}`);
      return [name, args[0].map((spec) => splitPathSpec(spec, where))];
    }
    case 'over': {
      arity(2, 'two arguments, a key ("main", "common" or "rest") and a step');
      if (typeof args[0] !== 'string') fail(where, `over needs a key string first, got ${show(args[0])}`);
      return [name, args[0], parseStep(args[1], `${where}[2]`)];
    }
    case 'map':
      arity(1, 'one argument, a step');
      return [name, parseStep(args[0], `${where}[1]`)];
    case 'pipe':
      arity(1, 'one argument, a list of steps');
      return [name, parsePipeline(args[0], `${where}[1]`)];
    default:
      return fail(where, `unknown step ${show(name)}; known steps: ${STEP_NAMES.join(', ')}`);
  }
}

function stringList(value: unknown, where: string, name: string): string[] {
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
    fail(where, `${name} needs a list of store paths, got ${show(value)}`);
  }
  return [...value];
}

function splitPathSpec(value: unknown, where: string): SplitPathSpec {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const childrenOf = (value as { children_of?: unknown }).children_of;
    if (keys.length === 1 && keys[0] === 'children_of') {
      if (typeof childrenOf === 'string') return { children_of: childrenOf };
      if (Array.isArray(childrenOf) && childrenOf.every((x) => typeof x === 'string')) return { children_of: [...childrenOf] };
    }
  }
  return fail(where, `split_paths takes paths or {"children_of": path(s)}, got ${show(value)}`);
}
