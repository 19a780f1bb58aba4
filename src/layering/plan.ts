// Which store paths share a layer: the strategies of nixpkgs' streamLayeredImage.
//
// Default: "auto". nixpkgs' pkgs/build-support/docker/default.nix (since PR #355189,
// seen in a nixpkgs tree at commit 81babd460f93197c19601d6f4d20650bcf2c643e) computes
// the layers with
//   if layeringPipeline == null then dockerAutoLayer { closureRoots excludePaths fromImage maxLayers ... }
//   else dockerMakeLayers { closureRoots excludePaths; pipeline = layeringPipeline; }
// where dockerAutoLayer runs auto-layer.py (./auto.ts). Before that change the default
// was popularity-contest-layering-pipeline.nix, i.e. the pipeline
// [["popularity_contest"], ["limit_layers", available]] ("popularity" here), and before
// the pipeline existed, references-by-popularity's ordering cut into layers by jq
// ("references-by-popularity" here).

import type { StoreLayers, StoreNode } from '../model.ts';
import { autoLayers } from './auto.ts';
import { LayeringError } from './errors.ts';
import { closureOf, compareStrings, type Closure } from './graph.ts';
import { makeGraph } from './pipeline/graph.ts';
import { parseLayeringPipeline, type LayeringPipeline } from './pipeline/parse.ts';
import { runPipeline } from './pipeline/run.ts';
import { popularityOrder } from './popularity.ts';

export type NamedStrategy = 'auto' | 'popularity' | 'references-by-popularity';
export type LayeringStrategy = NamedStrategy | LayeringPipeline;

/** nixpkgs' default (see the top of this file). */
export const DEFAULT_STRATEGY: NamedStrategy = 'auto';

const NAMED: readonly NamedStrategy[] = ['auto', 'popularity', 'references-by-popularity'];

/**
 * The `layeringPipeline` attribute as given (parsed JSON): null/undefined for the
 * default, a strategy name, or a nixpkgs pipeline. Throws a LayeringError naming
 * `layeringPipeline`.
 */
export function parseLayeringStrategy(value: unknown): LayeringStrategy {
  if (value === undefined || value === null) return DEFAULT_STRATEGY;
  if (typeof value === 'string') {
    if ((NAMED as readonly string[]).includes(value)) return value as NamedStrategy;
    throw new LayeringError(
      'layeringPipeline',
      `unknown strategy ${JSON.stringify(value)}; use ${NAMED.map((n) => JSON.stringify(n)).join(', ')} or a pipeline (a list of steps)`,
    );
  }
  return parseLayeringPipeline(value);
}

/**
 * How many store layers an image may have: nixpkgs keeps one layer for the
 * customisation layer and `baseLayerCount` for `fromImage`, and fails unless at least
 * one is left. (With a layeringPipeline nixpkgs does not check maxLayers at all.)
 */
export function availableLayers(maxLayers: number, baseLayerCount = 0): number {
  if (!Number.isInteger(maxLayers)) throw new LayeringError('maxLayers', `must be an integer, got ${maxLayers}`);
  if (!Number.isInteger(baseLayerCount) || baseLayerCount < 0) {
    throw new TypeError(`baseLayerCount must be a non-negative integer, got ${baseLayerCount}`);
  }
  const used = baseLayerCount + 1;
  if (!(used < maxLayers)) {
    throw new LayeringError(
      'maxLayers',
      `${used} layer(s) are taken by 'fromImage' (${baseLayerCount}) and the customisation layer (1), ` +
        `but only maxLayers=${maxLayers} are allowed; at least 1 layer is needed for the store paths`,
    );
  }
  return maxLayers - used;
}

export interface PlanOptions {
  /**
   * "auto" (the default), "popularity", "references-by-popularity", or a nixpkgs
   * layeringPipeline (checked here; anything else throws a LayeringError).
   */
  strategy?: unknown;
  /** Store layers at most (see availableLayers). Needed by the named strategies; pipelines bring their own limits. */
  availableLayers?: number;
  /** The paths whose closure is layered (nixpkgs' closureRoots); other nodes of the graph are ignored. */
  roots: readonly string[];
  /**
   * Paths of the closure that never appear in a layer (nixpkgs' excludePaths). "auto"
   * and "references-by-popularity" plan with them and drop them after; "popularity" and
   * pipelines remove them (and the references to them) first, as nixpkgs does.
   */
  exclude?: readonly string[];
}

/**
 * The store layers, in ascending order, nixpkgs would make of the closure of
 * `opts.roots` in `graph`. Pure: data in, data out.
 */
export function planLayers(graph: readonly StoreNode[], opts: PlanOptions): StoreLayers {
  const strategy = parseLayeringStrategy(opts.strategy);
  if (opts.roots.length === 0) return [];
  const closure = closureOf(graph, opts.roots);
  const exclude = new Set(opts.exclude ?? []);

  if (typeof strategy !== 'string') return runPipeline(strategy, pipelineGraph(closure, exclude));

  const limit = opts.availableLayers;
  if (limit === undefined || !Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`planLayers: availableLayers must be a positive integer for "${strategy}", got ${limit}`);
  }
  switch (strategy) {
    case 'auto':
      return autoLayers(closure, exclude, limit);
    case 'popularity':
      return runPipeline([['popularity_contest'], ['limit_layers', limit]], pipelineGraph(closure, exclude));
    case 'references-by-popularity': {
      const names = closure.nodes.map((n) => n.path);
      const ordered = popularityOrder(names, closure.refs)
        .map((i) => names[i]!)
        .filter((p) => !exclude.has(p));
      // jq: (.[:$maxLayers-1] | map([.])) + [ .[$maxLayers-1:] ] | map(select(length > 0))
      return [...ordered.slice(0, limit - 1).map((p) => [p]), ordered.slice(limit - 1)].filter((l) => l.length > 0);
    }
  }
}

/**
 * flatten_references_graph's input graph: excluded paths and references to them
 * removed, vertices sorted (stably, over store-path order) by narSize.
 */
function pipelineGraph(closure: Closure, exclude: ReadonlySet<string>): ReturnType<typeof makeGraph> {
  const kept = closure.nodes.map((_, i) => i).filter((i) => !exclude.has(closure.nodes[i]!.path));
  kept.sort((a, b) => closure.nodes[a]!.narSize - closure.nodes[b]!.narSize || compareStrings(closure.nodes[a]!.path, closure.nodes[b]!.path));
  const position = new Map(kept.map((old, pos) => [old, pos]));
  return makeGraph(
    kept.map((i) => closure.nodes[i]!.path),
    kept.map((i) => closure.refs[i]!.filter((r) => position.has(r)).map((r) => position.get(r)!)),
  );
}
