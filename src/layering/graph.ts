// The graph every strategy starts from, as nixpkgs' `exportReferencesGraph` hands it to
// the layering scripts: the closure of the roots, one node per store path, ordered by
// store path (Nix iterates a sorted set of paths). That order is the tie-break of every
// stable sort below, so it is part of the result.

import type { StoreNode } from '../model.ts';
import { StoreGraphError } from './errors.ts';

/** Code-unit order, which for store paths (ASCII) is Python's and Nix's string order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A closure with nodes in store-path order and references as indices (self references dropped). */
export interface Closure {
  readonly nodes: readonly StoreNode[];
  readonly index: ReadonlyMap<string, number>;
  /** Distinct references of each node, without the node itself. */
  readonly refs: readonly (readonly number[])[];
}

/** The closure of `roots` in `graph`; nodes outside it are ignored. */
export function closureOf(graph: readonly StoreNode[], roots: readonly string[]): Closure {
  const byPath = new Map<string, StoreNode>();
  for (const node of graph) {
    if (typeof node.path !== 'string' || !Number.isFinite(node.narSize) || node.narSize < 0) {
      throw new StoreGraphError(`bad store node ${JSON.stringify(node)}`);
    }
    if (byPath.has(node.path)) throw new StoreGraphError(`store path ${node.path} appears twice in the graph`);
    byPath.set(node.path, node);
  }
  const seen = new Set<string>();
  const todo: string[] = [];
  for (const root of roots) {
    if (!byPath.has(root)) throw new StoreGraphError(`root ${root} is not in the graph`);
    todo.push(root);
  }
  while (todo.length > 0) {
    const path = todo.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const ref of byPath.get(path)!.references) {
      if (!byPath.has(ref)) throw new StoreGraphError(`${path} refers to ${ref}, which is not in the graph`);
      if (!seen.has(ref)) todo.push(ref);
    }
  }
  const nodes = [...seen].sort(compareStrings).map((p) => byPath.get(p)!);
  const index = new Map(nodes.map((n, i) => [n.path, i]));
  const refs = nodes.map((n, i) => [...new Set(n.references.map((r) => index.get(r)!))].filter((r) => r !== i));
  return { nodes, index, refs };
}

/** Everything reachable from `start` along `next` (each start included). */
export function reachable(start: Iterable<number>, next: readonly (readonly number[])[]): Set<number> {
  const done = new Set<number>();
  const todo = [...start];
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (done.has(x)) continue;
    done.add(x);
    for (const y of next[x]!) if (!done.has(y)) todo.push(y);
  }
  return done;
}

/** The reverse adjacency of `next`. */
export function reverseEdges(next: readonly (readonly number[])[]): number[][] {
  const prev: number[][] = next.map(() => []);
  next.forEach((targets, from) => {
    for (const to of targets) prev[to]!.push(from);
  });
  return prev;
}
