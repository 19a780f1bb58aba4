// The graph steps of the nixpkgs pipeline (flattenReferencesGraph: subcomponent.py,
// split_paths.py, popularity_contest.py and lib.py), each as the Python computes it.

import { popularityOrder } from '../popularity.ts';
import type { SplitPathSpec } from './parse.ts';
import {
  addVertex,
  EMPTY_GRAPH,
  findVertex,
  inDegrees,
  induced,
  makeGraph,
  subcomponent,
  union,
  withoutEdgesInto,
  type PGraph,
} from './graph.ts';

function found(g: PGraph, paths: Iterable<string>): number[] {
  const out: number[] = [];
  for (const p of paths) {
    const v = findVertex(g, p);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** One single-vertex graph per path, most popular first. */
export function popularityContest(g: PGraph): PGraph[] {
  return popularityOrder(g.names, g.out).map((v) => makeGraph([g.names[v]!], [[]]));
}

/** `main`: the given paths and what they reach ("out") or what reaches them ("in"); `rest`: the others. */
export function subcomponentSplit(mode: 'in' | 'out', paths: readonly string[], g: PGraph): [string, PGraph][] {
  const main = subcomponent(g, found(g, paths), mode);
  return [
    ['main', induced(g, (v) => main.has(v))],
    ['rest', induced(g, (v) => !main.has(v))],
  ];
}

export function removePaths(paths: string | readonly string[], g: PGraph): PGraph {
  const drop = new Set(found(g, typeof paths === 'string' ? [paths] : paths));
  return drop.size === 0 ? g : induced(g, (v) => !drop.has(v));
}

/** Consecutive runs of `count` vertices. */
export function splitEvery(count: number, g: PGraph): PGraph[] {
  const out: PGraph[] = [];
  for (let start = 0; start < g.names.length; start += count) {
    out.push(induced(g, (v) => v >= start && v < start + count));
  }
  return out;
}

/** The first `max - 1` items as they are, then every other graph merged into one. */
export function limitLayers<T>(max: number, items: readonly T[], merge: (rest: readonly T[]) => T): T[] {
  return [...items.slice(0, max - 1), merge(items.slice(max - 1))];
}

export function mergeGraphs(graphs: readonly PGraph[]): PGraph {
  return graphs.reduce(union, EMPTY_GRAPH);
}

const FAKE_ROOT = '__root__';

/**
 * split_paths: `main` holds the split paths and the dependencies only they reach,
 * `common` the dependencies the rest of the graph reaches too, `rest` the others.
 * Edges into the split paths are gone from all three. Empty parts are left out.
 */
export function splitPaths(specs: readonly SplitPathSpec[], gIn: PGraph): [string, PGraph][] {
  const splitAt: number[] = [];
  for (const spec of specs) {
    if (typeof spec === 'string') {
      splitAt.push(...found(gIn, [spec]));
    } else {
      const parents = found(gIn, typeof spec.children_of === 'string' ? [spec.children_of] : spec.children_of);
      for (const p of parents) splitAt.push(...gIn.out[p]!);
    }
  }
  if (splitAt.length === 0) return [['rest', gIn]];

  // One root for the whole graph: the only vertex without predecessors, or a fake one
  // pointing at all of them.
  const deg = inDegrees(gIn);
  const roots = gIn.names.map((_, v) => v).filter((v) => deg[v] === 0);
  const faked = roots.length !== 1;
  const g = faked ? addVertex(gIn, FAKE_ROOT, roots) : gIn;
  const root = faked ? g.names.length - 1 : roots[0]!;
  if (splitAt.includes(root)) return [['main', gIn]];

  const splitOff = subcomponent(g, splitAt, 'out');
  const cut = withoutEdgesInto(g, new Set(splitAt));
  const restWithCommon = subcomponent(cut, [root], 'out');
  const common = new Set([...splitOff].filter((v) => restWithCommon.has(v)));
  const parts: [string, (v: number) => boolean][] = [
    ['main', (v) => splitOff.has(v) && !common.has(v)],
    ['common', (v) => common.has(v)],
    ['rest', (v) => restWithCommon.has(v) && !common.has(v) && !(faked && v === root)],
  ];
  return parts
    .map(([key, keep]): [string, PGraph] => [key, induced(cut, keep)])
    .filter(([, part]) => part.names.length > 0);
}
