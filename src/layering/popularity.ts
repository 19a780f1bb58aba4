// nixpkgs' popularity contest (references-by-popularity/closure-graph.py, and the same
// code as flatten_references_graph's popularity_contest.py):
//
// - roots are the paths no other path refers to (self references do not count);
// - the graph below each root is unfolded into a tree (a path reached twice appears
//   twice), and each path's score sums, over every occurrence, 1 plus the size of the
//   unfolding above it, as `graph_popularity_contest` computes it:
//     score(x)[p] = Σ over children c of x: [c = p] + (p below c ? score(c)[p] + 1 : 0)
//   and the top level is the same sum over the roots, each root counting 1;
// - paths are ordered by score, highest first; equal scores by "name then hash": the
//   key `package_name` moves the `/nix/store/<hash>` part after the name
//   (`/nix/store/abc-hello-2.12` → `hello-2.12-/nix/store/abc`), ascending;
// - paths no root reaches (only possible in a cyclic graph) come last, by path
//   (nixpkgs appends them in Python set order).
//
// Unfolding that recursion, score(p) = Σ W(y) over the paths y that reach p (p
// included), where W(y) counts the ways down from the roots to y; we compute it so,
// in O(V·V/32 + E). Scores grow exponentially with depth and Python's are exact: we
// count in doubles and, should a score pass 2^53, count again in bigints.

import { compareStrings } from './graph.ts';
import { StoreGraphError } from './errors.ts';

/** nixpkgs' `package_name` sort key: the hash part of the path moved behind the name. */
export function packageNameKey(path: string): string {
  const parts = path.split('-');
  const start = parts.shift()!;
  parts.push(start);
  return parts.join('-');
}

/**
 * Vertex indices, most popular first. `children[i]` are the references of vertex `i`
 * (without itself), all within `names`.
 */
export function popularityOrder(names: readonly string[], children: readonly (readonly number[])[]): number[] {
  const scores = popularityScores(children);
  const reached = [...scores.keys()];
  const keys = names.map(packageNameKey);
  reached.sort((a, b) => {
    const sa = scores.get(a)!;
    const sb = scores.get(b)!;
    if (sa !== sb) return sa > sb ? -1 : 1;
    return compareStrings(keys[a]!, keys[b]!);
  });
  const missing = names.map((_, i) => i).filter((i) => !scores.has(i));
  missing.sort((a, b) => compareStrings(names[a]!, names[b]!));
  return [...reached, ...missing];
}

/** The popularity of every vertex reachable from a root. */
export function popularityScores(children: readonly (readonly number[])[]): Map<number, bigint> {
  const n = children.length;
  const kids = children.map((ks, i) => [...new Set(ks)].filter((k) => k !== i));
  const referenced = new Array<boolean>(n).fill(false);
  kids.forEach((ks) => ks.forEach((k) => (referenced[k] = true)));
  const roots = kids.map((_, i) => i).filter((i) => !referenced[i]);
  const order = topologicalOrder(roots, kids);

  // Unfolding the sum above: score(p) = Σ over every y that reaches p (p included) of
  // W(y), the number of ways down from the roots to y. Counted in doubles; should a
  // number pass 2^53, counted again in bigints.
  const words = (n + 31) >>> 5;
  const above = order.map(() => new Uint32Array(words));
  const slot = new Map(order.map((v, i) => [v, i]));
  order.forEach((v, i) => {
    above[i]![v >>> 5]! |= 1 << (v & 31);
    for (const c of kids[v]!) {
      const into = above[slot.get(c)!]!;
      const from = above[i]!;
      for (let w = 0; w < words; w++) into[w]! |= from[w]!;
    }
  });
  const count = <N extends number | bigint>(zero: N, one: N): Map<number, N> | null => {
    const add = (a: N, b: N) => ((a as number) + (b as number)) as N;
    const ways = new Map<number, N>(roots.map((r) => [r, one]));
    for (const v of order) for (const c of kids[v]!) ways.set(c, add(ways.get(c) ?? zero, ways.get(v)!));
    const scores = new Map<number, N>();
    order.forEach((p, i) => {
      let score = zero;
      const bits = above[i]!;
      for (let w = 0; w < words; w++) {
        for (let word = bits[w]!; word !== 0; word &= word - 1) score = add(score, ways.get((w << 5) + (31 - Math.clz32(word & -word)))!);
      }
      scores.set(p, score);
    });
    if (typeof zero === 'number' && [...scores.values()].some((s) => (s as number) > Number.MAX_SAFE_INTEGER)) return null;
    return scores;
  };
  const fast = count(0, 1);
  if (fast) return new Map([...fast].map(([v, s]) => [v, BigInt(s)]));
  return count(0n, 1n)!;
}

/** Vertices reachable from `roots`, each before everything it refers to. */
function topologicalOrder(roots: readonly number[], kids: readonly (readonly number[])[]): number[] {
  const state = new Uint8Array(kids.length); // 0 new, 1 on the stack, 2 done
  const postOrder: number[] = [];
  for (const root of roots) {
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [x, next] = top;
      if (next < kids[x]!.length) {
        top[1] = next + 1;
        const c = kids[x]![next]!;
        // nixpkgs recurses forever here (the unfolding of a cycle has no end).
        if (state[c] === 1) throw new StoreGraphError(`the store graph has a cycle through vertex ${c}`);
        if (state[c] === 0) {
          state[c] = 1;
          stack.push([c, 0]);
        }
        continue;
      }
      state[x] = 2;
      postOrder.push(x);
      stack.pop();
    }
  }
  return postOrder.reverse();
}
