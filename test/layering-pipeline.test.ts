import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayeringError, parseLayeringPipeline, parseLayeringStrategy, planLayers, STEP_NAMES } from '../src/layering/index.ts';
import type { StoreNode } from '../src/model.ts';

const sp = (hashChar: string, name: string) => `/nix/store/${hashChar.repeat(32)}-${name}`;
const node = (path: string, narSize: number, references: string[] = []): StoreNode => ({ path, narSize, references: [path, ...references] });

// app -> lib -> libc, tool -> libc; an excluded helper root over app and tool.
const app = sp('1', 'app');
const lib = sp('2', 'lib');
const libc = sp('3', 'libc');
const tool = sp('4', 'tool');
const root = sp('0', 'img-customisation-layer');
const graph = [node(root, 1, [app, tool]), node(app, 400, [lib]), node(lib, 300, [libc]), node(libc, 200), node(tool, 100, [libc])];
const plan = (strategy: unknown) => planLayers(graph, { strategy, roots: [root], exclude: [root] });

function rejects(pipeline: unknown, message: RegExp) {
  assert.throws(
    () => parseLayeringPipeline(pipeline),
    (err: unknown) => {
      assert.ok(err instanceof LayeringError, String(err));
      assert.equal(err.attribute, 'layeringPipeline');
      assert.match(err.message, /^layeringPipeline: /);
      assert.match(err.message, message);
      return true;
    },
  );
  // planLayers checks the same way before doing anything.
  assert.throws(() => plan(pipeline), LayeringError);
}

test('a pipeline must be a list of steps', () => {
  rejects({ popularity_contest: true }, /must be a list of steps/);
  rejects([['popularity_contest'], 'flatten'], /\[1\] must be a step/);
  rejects([[]], /\[0\] must be a step/);
  rejects([[3]], /\[0\] must be a step/);
});

test('unknown step names are rejected, listing the known ones', () => {
  rejects([['popularity']], /\[0\] unknown step "popularity"; known steps: popularity_contest, flatten/);
  rejects([['reorder', ['rest', 'main']]], /unknown step "reorder"/);
  assert.equal(STEP_NAMES.length, 12);
});

test('wrong arguments are rejected, with where they are', () => {
  rejects([['popularity_contest', 3]], /\[0\] popularity_contest takes no arguments/);
  rejects([['flatten', []]], /flatten takes no arguments/);
  rejects([['limit_layers']], /limit_layers takes one argument, a positive integer/);
  rejects([['limit_layers', '3']], /limit_layers needs a positive integer, got "3"/);
  rejects([['limit_layers', 0]], /positive integer, got 0/);
  rejects([['limit_layers', 2.5]], /positive integer, got 2.5/);
  rejects([['split_every', -1]], /split_every needs a positive integer/);
  rejects([['subcomponent_in', '/nix/store/x-a']], /subcomponent_in needs a list of store paths/);
  rejects([['subcomponent_out', [1]]], /subcomponent_out needs a list of store paths/);
  rejects([['remove_paths', null]], /remove_paths needs a list of store paths/);
  rejects([['split_paths', 'x']], /split_paths needs a list/);
  rejects([['split_paths', [{ child_of: 'x' }]]], /split_paths takes paths or \{"children_of": path\(s\)\}/);
  rejects([['split_paths', [{ children_of: 'x', extra: 1 }]]], /split_paths takes paths/);
  rejects([['over', 'rest']], /over takes two arguments/);
  rejects([['over', 1, ['flatten']]], /over needs a key string first/);
  rejects([['map']], /map takes one argument, a step/);
  rejects([['pipe', ['flatten']]], /\[0\]\[1\]\[0\] must be a step/);
  // Errors deep inside say where: step 1, its step argument, its pipe, its step 0.
  rejects([['split_paths', [app]], ['over', 'rest', ['pipe', [['limit_layers', 'x']]]]], /\[1\]\[2\]\[1\]\[0\] limit_layers needs a positive integer/);
});

test('a valid pipeline is returned as checked data', () => {
  const pipeline = [
    ['split_paths', [app, { children_of: [tool] }, { children_of: lib }]],
    ['over', 'main', ['pipe', [['subcomponent_in', [app]], ['over', 'rest', ['popularity_contest']]]]],
    ['flatten'],
    ['map', ['remove_paths', libc]],
    ['reverse'],
    ['limit_layers', 5],
  ];
  assert.deepEqual(parseLayeringPipeline(pipeline), pipeline);
  assert.deepEqual(parseLayeringStrategy(pipeline), pipeline);
  assert.deepEqual(parseLayeringPipeline([]), []);
});

// Every expected value below is what flatten_references_graph returns for this graph.
test('pipelines run as nixpkgs runs them', () => {
  // Sizes: tool 100 < libc 200 < lib 300 < app 400 — the vertex order of every graph.
  assert.deepEqual(plan([['popularity_contest']]), [[libc], [lib], [app], [tool]]);
  assert.deepEqual(plan([['popularity_contest'], ['limit_layers', 2]]), [[libc], [lib, app, tool]]);
  assert.deepEqual(plan([['popularity_contest'], ['reverse'], ['limit_layers', 2]]), [[tool], [app, lib, libc]]);
  assert.deepEqual(plan([['split_every', 3]]), [[tool, libc, lib], [app]]);
  assert.deepEqual(plan([['subcomponent_out', [lib]]]), [[libc, lib], [tool, app]]);
  assert.deepEqual(plan([['subcomponent_in', [lib]]]), [[lib, app], [tool, libc]]);
  // main: app and what only it reaches; common: reached by the rest too; rest.
  assert.deepEqual(plan([['split_paths', [app]]]), [[lib, app], [libc], [tool]]);
  assert.deepEqual(plan([['split_paths', [{ children_of: app }]]]), [[lib], [libc], [tool, app]]);
  // Equal popularity: by name.
  assert.deepEqual(plan([['subcomponent_out', [lib]], ['over', 'rest', ['popularity_contest']]]), [[libc, lib], [app], [tool]]);
  assert.deepEqual(plan([['remove_paths', [lib, 'not-there']], ['popularity_contest']]), [[libc], [app], [tool]]);
  // limit_layers on fewer layers than its limit: nothing merged, no empty layer.
  assert.deepEqual(plan([['split_every', 1], ['limit_layers', 10]]), [[tool], [libc], [lib], [app]]);
  assert.deepEqual(plan([['split_every', 1], ['limit_layers', 1]]), [[tool, libc, lib, app]]);
});

test('excluded paths and the references to them are gone before a pipeline runs', () => {
  // Excluded, the helper root is not there to split at: everything stays in "rest".
  // Not excluded, it is the graph's only root, and splitting at it makes all "main".
  assert.deepEqual(plan([['split_paths', [root]]]), [[tool, libc, lib, app]]);
  const withRoot = planLayers(graph, { strategy: [['split_paths', [root]]], roots: [root] });
  assert.deepEqual(withRoot, [[root, tool, libc, lib, app]]);
});

test('a pipeline that does not work on what it gets is a LayeringError', () => {
  const fails = (pipeline: unknown, message: RegExp) =>
    assert.throws(
      () => plan(pipeline),
      (err: unknown) => err instanceof LayeringError && err.attribute === 'layeringPipeline' && message.test(err.message),
    );
  // nixpkgs: "'Graph' object is not iterable".
  fails([], /ends with a single graph/);
  fails([['remove_paths', [app]]], /ends with a single graph/);
  fails([['flatten']], /\[0\] flatten works on a list or a split result, but got a graph/);
  fails([['limit_layers', 3]], /\[0\] limit_layers works on a list/);
  fails([['reverse']], /reverse works on a list/);
  // nixpkgs: KeyError 'main' (split_paths drops empty parts).
  fails([['split_paths', ['/nix/store/nothing-here']], ['over', 'main', ['popularity_contest']]], /over: the split result has no "main" \(it has rest\)/);
  fails([['popularity_contest'], ['over', 'rest', ['flatten']]], /over works on a split result, but got a list of 4/);
  fails([['popularity_contest'], ['popularity_contest']], /popularity_contest works on a graph, but got a list/);
  fails([['subcomponent_out', [lib]], ['map', ['popularity_contest']]], /map works on a list/);
  fails([['subcomponent_out', [lib]], ['limit_layers', 1]], /limit_layers works on a list/);
});
