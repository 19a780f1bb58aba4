// nixpkgs' "auto" layering (pkgs/build-support/docker/auto-layer.py, the default of
// streamLayeredImage since nixpkgs PR #355189):
//
// The largest store paths (by narSize) become "primary" paths one at a time. Each path
// is labelled with the set of primary paths it belongs to; paths with the same label
// share a layer. Making P primary labels P with {P}; for every dependency D of P the
// transitive users of P leave D's label, and P joins it unless the label already holds
// another dependency of P. A step that would make more than `limit` distinct labels is
// not taken, and the loop stops there. Ties in narSize: the path later in store-path
// order is taken first (Python's stable sort, popped from the end).
//
// Layers come out by closure size (the narSize of the layer's paths and everything
// they refer to), smallest first; paths in a layer by (name, "/nix/store/<hash>").
// Ignored paths take part in all of this and are dropped at the end, together with
// layers left empty — so a layer holding only ignored paths still used up a place.
// The sort by closure size is stable over the iteration order of
// `set(layer_split.values())`, a set of frozensets of paths: nixpkgs runs the script with
// PYTHONHASHSEED=0, so that order is fixed, and pythonSetOrder reproduces it.

import { compareStrings, reachable, reverseEdges, type Closure } from './graph.ts';
import { pythonFrozensetHash, pythonSetOrder } from './pythonSetOrder.ts';

/** nixpkgs' `path_key`: (name, "/nix/store/<hash>"). */
function pathKeyCompare(a: string, b: string): number {
  const [ha, na] = splitHash(a);
  const [hb, nb] = splitHash(b);
  return compareStrings(na, nb) || compareStrings(ha, hb);
}

function splitHash(path: string): [string, string] {
  const dash = path.indexOf('-');
  return dash < 0 ? [path, ''] : [path.slice(0, dash), path.slice(dash + 1)];
}

interface Label {
  readonly members: readonly number[]; // sorted primary indices
  readonly key: string;
}

function label(members: readonly number[]): Label {
  return { members, key: members.join(',') };
}

export function autoLayers(closure: Closure, ignore: ReadonlySet<string>, limit: number): string[][] {
  const { nodes, refs } = closure;
  const users = reverseEdges(refs);
  const empty = label([]);
  let split: Label[] = nodes.map(() => empty);

  // Stable sort by narSize over store-path order; primaries are taken from the end.
  const bySize = nodes.map((_, i) => i).sort((a, b) => nodes[a]!.narSize - nodes[b]!.narSize);
  while (bySize.length > 0) {
    const primary = bySize.pop()!;
    const deps = reachable(refs[primary]!, refs);
    deps.delete(primary);
    const primaryUsers = reachable(users[primary]!, users);
    primaryUsers.delete(primary);

    const next = split.slice();
    next[primary] = label([primary]);
    for (const dep of deps) {
      let members = next[dep]!.members.filter((m) => !primaryUsers.has(m));
      if (!members.some((m) => deps.has(m))) members = [...members, primary].sort((a, b) => a - b);
      next[dep] = label(members);
    }
    if (new Set(next.map((l) => l.key)).size > limit) break;
    split = next;
  }

  // Python adds each path's label to the set in graph order.
  const labels = pythonSetOrder(
    split,
    (l) => l.key,
    (l) => pythonFrozensetHash(l.members.map((m) => nodes[m]!.path)),
  );
  const members = new Map<string, number[]>(labels.map((l) => [l.key, []]));
  split.forEach((l, i) => members.get(l.key)!.push(i));
  const layers = labels.map((l) => {
    const group = members.get(l.key)!;
    const closureSize = [...reachable(group, refs)].reduce((sum, i) => sum + nodes[i]!.narSize, 0);
    const paths = group.map((i) => nodes[i]!.path).sort(pathKeyCompare);
    return { closureSize, paths };
  });
  layers.sort((a, b) => a.closureSize - b.closureSize);
  return layers.map((l) => l.paths.filter((p) => !ignore.has(p))).filter((paths) => paths.length > 0);
}
