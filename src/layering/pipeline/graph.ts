// The few igraph operations the nixpkgs pipeline uses, on a small immutable graph.
// What matters for equal results is vertex order: every operation keeps the relative
// order of the vertices it keeps (igraph's induced_subgraph and vertex deletion do), a
// union appends, and the final layers list each graph's vertices in that order.

import { reachable, reverseEdges } from '../graph.ts';

export interface PGraph {
  readonly kind: 'graph';
  readonly names: readonly string[];
  /** Successors of each vertex, as indices into `names`. */
  readonly out: readonly (readonly number[])[];
}

export const EMPTY_GRAPH: PGraph = { kind: 'graph', names: [], out: [] };

export function makeGraph(names: readonly string[], out: readonly (readonly number[])[]): PGraph {
  return { kind: 'graph', names, out };
}

const nameIndex = new WeakMap<PGraph, Map<string, number>>();

/** The vertex named `name` (the first, should a union hold it twice). */
export function findVertex(g: PGraph, name: string): number | undefined {
  let index = nameIndex.get(g);
  if (!index) {
    index = new Map();
    g.names.forEach((n, i) => index!.has(n) || index!.set(n, i));
    nameIndex.set(g, index);
  }
  return index.get(name);
}

/** The subgraph on the vertices `keep` accepts, in their original order. */
export function induced(g: PGraph, keep: (v: number) => boolean): PGraph {
  const renumber = new Map<number, number>();
  g.names.forEach((_, v) => keep(v) && renumber.set(v, renumber.size));
  if (renumber.size === g.names.length) return g;
  const names: string[] = [];
  const out: number[][] = [];
  for (const [v] of renumber) {
    names.push(g.names[v]!);
    out.push(g.out[v]!.filter((t) => renumber.has(t)).map((t) => renumber.get(t)!));
  }
  return makeGraph(names, out);
}

/** igraph's `a + b` for graphs: a disjoint union, `b`'s vertices after `a`'s. */
export function union(a: PGraph, b: PGraph): PGraph {
  if (a.names.length === 0) return b;
  const shift = a.names.length;
  return makeGraph([...a.names, ...b.names], [...a.out, ...b.out.map((ts) => ts.map((t) => t + shift))]);
}

/** igraph's `subcomponent(v, mode)`: `v` and what it reaches ("out") or what reaches it ("in"). */
export function subcomponent(g: PGraph, vertices: Iterable<number>, mode: 'in' | 'out'): Set<number> {
  return reachable(vertices, mode === 'out' ? g.out : reverseEdges(g.out));
}

export function inDegrees(g: PGraph): number[] {
  const deg = g.names.map(() => 0);
  for (const targets of g.out) for (const t of targets) deg[t]!++;
  return deg;
}

/** A copy with one more vertex, last, and edges from it to `targets`. */
export function addVertex(g: PGraph, name: string, targets: readonly number[]): PGraph {
  return makeGraph([...g.names, name], [...g.out, [...targets]]);
}

/** A copy without the edges that point at `targets`. */
export function withoutEdgesInto(g: PGraph, targets: ReadonlySet<number>): PGraph {
  return makeGraph(g.names, g.out.map((ts) => ts.filter((t) => !targets.has(t))));
}
