import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  availableLayers,
  DEFAULT_STRATEGY,
  LayeringError,
  narSizeOfDirectory,
  narSizeOfFile,
  nixpkgsImageRoots,
  packageNameKey,
  parseLayeringStrategy,
  planLayers,
  popularityOrder,
  StoreGraphError,
} from '../src/layering/index.ts';
import type { StoreNode } from '../src/model.ts';

/** A store path whose hash is `hashChar` repeated (base32 alphabet), so hash order is easy to set. */
const sp = (hashChar: string, name: string) => `/nix/store/${hashChar.repeat(32)}-${name}`;
const node = (path: string, narSize: number, references: string[] = []): StoreNode => ({ path, narSize, references: [path, ...references] });

const NAMED = ['auto', 'popularity', 'references-by-popularity'] as const;

/** A root (excluded, like nixpkgs' helper roots) over `n` independent leaves of distinct sizes. */
function leaves(n: number) {
  const paths = Array.from({ length: n }, (_, i) => sp('1', `leaf-${String(i).padStart(3, '0')}`));
  const root = sp('0', 'image-customisation-layer');
  const graph = [node(root, 10, paths), ...paths.map((p, i) => node(p, 1000 * (i + 1)))];
  return { graph, paths, root };
}

function assertPartition(layers: string[][], paths: string[]) {
  assert.deepEqual(layers.flat().sort(), [...paths].sort(), 'every path in exactly one layer');
  assert.ok(layers.every((l) => l.length > 0), 'no empty layer');
}

test('availableLayers: maxLayers minus the base image layers minus the customisation layer', () => {
  assert.equal(availableLayers(100), 99);
  assert.equal(availableLayers(100, 0), 99);
  assert.equal(availableLayers(2, 0), 1);
  // nixos/tests/docker-tools.nix "layered-bulk-layer": a 2-layer base and maxLayers = 4.
  assert.equal(availableLayers(4, 2), 1);
  assert.equal(availableLayers(125, 20), 104);
});

test('availableLayers: fails when no layer is left for the store paths, naming maxLayers', () => {
  for (const [max, base] of [
    [1, 0],
    [2, 1],
    [3, 2],
    [4, 10],
    [0, 0],
  ] as const) {
    assert.throws(
      () => availableLayers(max, base),
      (err: unknown) => {
        assert.ok(err instanceof LayeringError);
        assert.equal(err.attribute, 'maxLayers');
        assert.match(err.message, /^maxLayers: /);
        assert.match(err.message, new RegExp(`maxLayers=${max}\\b`));
        return true;
      },
    );
  }
  assert.throws(() => availableLayers(2.5), LayeringError);
});

test('the default strategy is nixpkgs’ current one, auto-layer', () => {
  assert.equal(DEFAULT_STRATEGY, 'auto');
  assert.equal(parseLayeringStrategy(undefined), 'auto');
  assert.equal(parseLayeringStrategy(null), 'auto');
  const { graph, paths, root } = leaves(7);
  const opts = { availableLayers: 3, roots: [root], exclude: [root] };
  assert.deepEqual(planLayers(graph, opts), planLayers(graph, { ...opts, strategy: 'auto' }));
  assert.notDeepEqual(planLayers(graph, opts), planLayers(graph, { ...opts, strategy: 'popularity' }));
  assertPartition(planLayers(graph, opts), paths);
});

test('a strategy that is neither a name nor a pipeline is a LayeringError naming layeringPipeline', () => {
  for (const bad of ['popular', 'AUTO', 42, true, { steps: [] }]) {
    assert.throws(
      () => planLayers([], { strategy: bad, availableLayers: 1, roots: [] }),
      (err: unknown) => err instanceof LayeringError && err.attribute === 'layeringPipeline' && /^layeringPipeline: /.test(err.message),
    );
  }
});

test('no roots (includeStorePaths = false, or nothing to add): no store layers, whatever the strategy', () => {
  for (const strategy of [...NAMED, [['popularity_contest'], ['limit_layers', 3]]]) {
    assert.deepEqual(planLayers([], { strategy, availableLayers: 5, roots: [] }), []);
    assert.deepEqual(planLayers(leaves(3).graph, { strategy, availableLayers: 5, roots: [] }), []);
  }
});

test('only excluded paths: no store layers', () => {
  const root = sp('0', 'x-base.json');
  for (const strategy of NAMED) {
    assert.deepEqual(planLayers([node(root, 300)], { strategy, availableLayers: 3, roots: [root], exclude: [root] }), []);
  }
});

test('popularity strategies: availableLayers-1, availableLayers and availableLayers+1 paths', () => {
  const limit = 5;
  for (const strategy of ['popularity', 'references-by-popularity'] as const) {
    for (const n of [limit - 1, limit, limit + 1]) {
      const { graph, paths, root } = leaves(n);
      const layers = planLayers(graph, { strategy, availableLayers: limit, roots: [root], exclude: [root] });
      assertPartition(layers, paths);
      assert.equal(layers.length, Math.min(n, limit), `${strategy} with ${n} paths`);
      assert.deepEqual(
        layers.slice(0, -1).map((l) => l.length),
        Array(layers.length - 1).fill(1),
        'all but the last layer hold one path',
      );
      assert.equal(layers.at(-1)!.length, n > limit ? 2 : 1);
    }
  }
});

test('auto: never more layers than available, for availableLayers-1 .. availableLayers+1 paths', () => {
  for (const limit of [1, 2, 3, 5, 8]) {
    for (const n of [limit - 1, limit, limit + 1]) {
      const { graph, paths, root } = leaves(n);
      const layers = planLayers(graph, { strategy: 'auto', availableLayers: limit, roots: [root], exclude: [root] });
      assertPartition(layers, paths);
      assert.ok(layers.length <= limit, `${layers.length} layers for limit ${limit}`);
    }
  }
});

test('auto: the biggest paths get layers of their own, their exclusive dependencies join them', () => {
  const big = sp('2', 'big-app');
  const bigDep = sp('3', 'big-app-lib');
  const shared = sp('4', 'libc');
  const small = sp('5', 'small-tool');
  const root = sp('0', 'img-customisation-layer');
  const graph = [
    node(root, 1, [big, small]),
    node(big, 90_000, [bigDep, shared]),
    node(bigDep, 10, [shared]),
    node(shared, 5000),
    node(small, 100, [shared]),
  ];
  const plan = (limit: number) => planLayers(graph, { strategy: 'auto', availableLayers: limit, roots: [root], exclude: [root] });
  // libc is used by both, so it is its own layer; big-app-lib only through big-app.
  // Layers come by closure size. (Both results as auto-layer.py gives them.)
  assert.deepEqual(plan(4), [[shared], [small], [big, bigDep]]);
  // With one layer less, small-tool never turns primary and stays with the (excluded) root.
  assert.deepEqual(plan(3), [[shared], [big, bigDep], [small]]);
  assert.deepEqual(plan(1), [[big, bigDep, shared, small]]);
});

test('popularity: popular leaves come first', () => {
  const leaf = sp('9', 'glibc');
  const apps = ['a', 'b', 'c'].map((x, i) => sp(String(i + 1), `app-${x}`));
  const root = sp('0', 'root');
  const graph = [node(root, 1, apps), ...apps.map((a) => node(a, 10, [leaf])), node(leaf, 10)];
  const layers = planLayers(graph, { strategy: 'popularity', availableLayers: 10, roots: [root], exclude: [root] });
  assert.deepEqual(layers, [[leaf], ...apps.map((a) => [a])]);
});

test('popularity: a diamond counts the shared bottom once per way down', () => {
  const [top, left, right, bottom] = [sp('1', 'top'), sp('2', 'left'), sp('3', 'right'), sp('4', 'bottom')];
  const names = [top, left, right, bottom];
  // top: 1; left, right: 2; bottom: 1 + (1 + 1) + (1 + 1) + ... = 5 in nixpkgs' counting.
  const order = popularityOrder(names, [[1, 2], [3], [3], []]);
  assert.deepEqual(
    order.map((i) => names[i]),
    [bottom, left, right, top],
  );
  const graph = [node(top, 1, [left, right]), node(left, 1, [bottom]), node(right, 1, [bottom]), node(bottom, 1)];
  for (const strategy of ['popularity', 'references-by-popularity'] as const) {
    assert.deepEqual(planLayers(graph, { strategy, availableLayers: 10, roots: [top] }), [[bottom], [left], [right], [top]]);
  }
});

test('self references are not edges: a path referring to itself is still a root', () => {
  const [a, b] = [sp('1', 'a'), sp('2', 'b')];
  const graph = [node(a, 1, [b]), node(b, 1)];
  assert.ok(graph.every((n) => n.references.includes(n.path)));
  assert.deepEqual(planLayers(graph, { strategy: 'popularity', availableLayers: 5, roots: [a] }), [[b], [a]]);
  assert.deepEqual(planLayers(graph, { strategy: 'references-by-popularity', availableLayers: 5, roots: [a] }), [[b], [a]]);
});

test('equal popularity: ordered by name, then by hash — not by store path', () => {
  assert.equal(packageNameKey('/nix/store/abc-hello-2.12'), 'hello-2.12-/nix/store/abc');
  assert.equal(packageNameKey('plain'), 'plain');
  const zlib = sp('0', 'zlib-1.3'); // first by path
  const bash = sp('z', 'bash-5.2'); // first by name
  const libA = sp('b', 'lib-1.0');
  const libB = sp('a', 'lib-1.0'); // same name: the hash decides
  const names = [zlib, bash, libA, libB];
  const root = sp('9', 'root');
  const order = popularityOrder([...names, root], [[], [], [], [], [0, 1, 2, 3]]);
  assert.deepEqual(
    order.map((i) => [...names, root][i]),
    [bash, libB, libA, zlib, root],
  );
});

test('only the closure of the roots is layered; other nodes are ignored', () => {
  const [a, b, stray] = [sp('1', 'a'), sp('2', 'b'), sp('3', 'stray')];
  const graph = [node(a, 5, [b]), node(b, 5), node(stray, 5)];
  for (const strategy of NAMED) {
    assert.deepEqual(planLayers(graph, { strategy, availableLayers: 10, roots: [a] }).flat().sort(), [a, b]);
  }
});

test('an inconsistent graph is a StoreGraphError', () => {
  const [a, b] = [sp('1', 'a'), sp('2', 'b')];
  const opts = { strategy: 'auto', availableLayers: 3 };
  assert.throws(() => planLayers([node(a, 1)], { ...opts, roots: [b] }), StoreGraphError);
  assert.throws(() => planLayers([node(a, 1, [b])], { ...opts, roots: [a] }), StoreGraphError);
  assert.throws(() => planLayers([node(a, 1), node(a, 2)], { ...opts, roots: [a] }), StoreGraphError);
  assert.throws(() => planLayers([{ path: a, narSize: -1, references: [] }], { ...opts, roots: [a] }), StoreGraphError);
  const cyclic = [node(a, 1, [b]), node(b, 1, [a]), node(sp('0', 'top'), 1, [a])];
  assert.throws(() => planLayers(cyclic, { strategy: 'popularity', availableLayers: 3, roots: [sp('0', 'top')] }), StoreGraphError);
});

test('the input graph is not modified and the result does not depend on its order', () => {
  const { graph, root } = leaves(6);
  const frozen = JSON.stringify(graph);
  for (const strategy of NAMED) {
    const opts = { strategy, availableLayers: 3, roots: [root], exclude: [root] };
    const layers = planLayers(graph, opts);
    assert.deepEqual(planLayers([...graph].reverse(), opts), layers);
  }
  assert.equal(JSON.stringify(graph), frozen);
});

test('nixpkgsImageRoots: stand-ins for base.json and the customisation layer, with nixpkgs’ narSize', () => {
  // Measured with nix-store --dump (Nix 2.8): a 7-byte file, and a directory with a
  // 65-byte `checksum` and a 10240-byte `layer.tar`.
  assert.equal(narSizeOfFile(7), 120);
  assert.equal(narSizeOfFile(8), 120);
  assert.equal(narSizeOfFile(9), 128);
  assert.equal(narSizeOfDirectory({ checksum: 65, 'layer.tar': 10240 }), 10784);

  const app = sp('1', 'app');
  const lib = sp('2', 'lib');
  const roots = nixpkgsImageRoots({
    name: 'registry.example/team/app',
    configReferences: [app],
    baseJsonSize: 7,
    customisationReferences: [app],
    customisationTarSize: 10240,
  });
  assert.deepEqual(
    roots.nodes.map((n) => [n.path.replace(/^\/nix\/store\/0{32}-/, ''), n.narSize, n.references]),
    [
      ['app-base.json', 120, [app]],
      ['app-customisation-layer', 10784, [app]],
    ],
  );
  assert.deepEqual(roots.roots, roots.exclude);
  const graph = [...roots.nodes, node(app, 50, [lib]), node(lib, 40)];
  for (const strategy of NAMED) {
    const layers = planLayers(graph, { strategy, availableLayers: 5, roots: roots.roots, exclude: roots.exclude });
    assertPartition(layers, [app, lib]);
  }
});

test('a named strategy needs availableLayers', () => {
  const { graph, root } = leaves(2);
  assert.throws(() => planLayers(graph, { strategy: 'auto', roots: [root] }), TypeError);
  assert.throws(() => planLayers(graph, { strategy: 'popularity', availableLayers: 0, roots: [root] }), TypeError);
  // A pipeline brings its own limits, as in nixpkgs (maxLayers is not used then).
  assert.deepEqual(planLayers(graph, { strategy: [['split_every', 10]], roots: [root], exclude: [root] }).flat().length, 2);
});
