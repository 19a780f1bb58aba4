// Runs a checked pipeline on the closure graph, as nixpkgs' pipe.py does: each step
// takes the previous value — a graph, a list, or a split result ({main, common, rest},
// keys in that order) — and the final value is flattened into layers, empty ones
// dropped. Where nixpkgs would crash on a value of the wrong kind (or, for a few steps,
// quietly work on the keys of a split result), we stop with a LayeringError.

import { LayeringError } from '../errors.ts';
import type { LayeringPipeline, PipelineStep } from './parse.ts';
import type { PGraph } from './graph.ts';
import {
  limitLayers,
  mergeGraphs,
  popularityContest,
  removePaths,
  splitEvery,
  splitPaths,
  subcomponentSplit,
} from './steps.ts';

interface Split {
  readonly kind: 'split';
  readonly entries: readonly (readonly [string, Value])[];
}

type Value = PGraph | Split | readonly Value[];

function isList(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

function describe(v: Value): string {
  if (isList(v)) return `a list of ${v.length}`;
  if (v.kind === 'split') return `a split result {${v.entries.map(([k]) => k).join(', ')}}`;
  return 'a graph';
}

function fail(where: string, message: string): never {
  throw new LayeringError('layeringPipeline', `${where} ${message}`);
}

function split(entries: (readonly [string, Value])[]): Split {
  return { kind: 'split', entries };
}

/** The layers (store paths, in order) a checked pipeline makes of `graph`. */
export function runPipeline(pipeline: LayeringPipeline, graph: PGraph): string[][] {
  const result = runSteps(pipeline, graph, '');
  if (!isList(result) && result.kind === 'graph') {
    fail('', 'ends with a single graph; end it with a step that makes layers, e.g. ["popularity_contest"] or ["split_every", 1]');
  }
  return flatten(result)
    .map((g) => [...g.names])
    .filter((layer) => layer.length > 0);
}

function runSteps(steps: LayeringPipeline, value: Value, where: string): Value {
  return steps.reduce((v, step, i) => runStep(step, v, `${where}[${i}]`), value);
}

function graphArg(step: PipelineStep, v: Value, where: string): PGraph {
  if (!isList(v) && v.kind === 'graph') return v;
  return fail(where, `${step[0]} works on a graph, but got ${describe(v)}`);
}

function listArg(step: PipelineStep, v: Value, where: string): readonly Value[] {
  if (isList(v)) return v;
  return fail(where, `${step[0]} works on a list (use ["flatten"] first), but got ${describe(v)}`);
}

function runStep(step: PipelineStep, v: Value, where: string): Value {
  switch (step[0]) {
    case 'popularity_contest':
      return popularityContest(graphArg(step, v, where));
    case 'split_every':
      return splitEvery(step[1], graphArg(step, v, where));
    case 'remove_paths':
      return removePaths(step[1], graphArg(step, v, where));
    case 'subcomponent_in':
    case 'subcomponent_out':
      return split(subcomponentSplit(step[0] === 'subcomponent_in' ? 'in' : 'out', step[1], graphArg(step, v, where)));
    case 'split_paths':
      return split(splitPaths(step[1], graphArg(step, v, where)));
    case 'flatten':
      if (!isList(v) && v.kind === 'graph') fail(where, 'flatten works on a list or a split result, but got a graph');
      return flatten(v);
    case 'reverse':
      return [...listArg(step, v, where)].reverse();
    case 'limit_layers':
      return limitLayers<Value>(step[1], listArg(step, v, where), (rest) =>
        mergeGraphs(rest.map((g) => (!isList(g) && g.kind === 'graph' ? g : fail(where, `limit_layers can only merge graphs, but got ${describe(g)}`)))),
      );
    case 'map':
      return listArg(step, v, where).map((item) => runStep(step[1], item, `${where}[1]`));
    case 'pipe':
      return runSteps(step[1], v, `${where}[1]`);
    case 'over': {
      const key = step[1];
      if (isList(v) || v.kind !== 'split') return fail(where, `over works on a split result, but got ${describe(v)}`);
      if (!v.entries.some(([k]) => k === key)) {
        return fail(where, `over: the split result has no ${JSON.stringify(key)} (it has ${v.entries.map(([k]) => k).join(', ') || 'nothing'})`);
      }
      return split(v.entries.map(([k, x]) => [k, k === key ? runStep(step[2], x, `${where}[2]`) : x] as const));
    }
  }
}

/** Every graph in a nest of lists and split results, in order. */
function flatten(v: Value): PGraph[] {
  if (isList(v)) return v.flatMap(flatten);
  if (v.kind === 'split') return v.entries.flatMap(([, x]) => flatten(x));
  return [v];
}
