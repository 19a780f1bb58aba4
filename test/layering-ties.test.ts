// auto's layers of equal closure size come in the order nixpkgs' auto-layer.py gives
// them: the iteration order of a Python set of frozensets under PYTHONHASHSEED=0, which
// nixpkgs' python setup hook (pkgs/development/interpreters/python/setup-hook.sh)
// exports for every build. The expected values below are what CPython 3.11.7, 3.12.1
// and 3.13.0 print with PYTHONHASHSEED=0 (all three agree); the layer orders are
// auto-layer.py's own output (pkgs/build-support/docker/auto-layer.py @ 2ff66c69).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLayers } from '../src/layering/index.ts';
import { pythonFrozensetHash, pythonSetOrder, pythonStrHash } from '../src/layering/pythonSetOrder.ts';

const signed = (h: bigint): bigint => BigInt.asIntN(64, h);

test('str hashes are CPython’s with PYTHONHASHSEED=0 (SipHash-1-3, zero key, storage width)', () => {
  // python3 -c 'print(hash(s))' with PYTHONHASHSEED=0
  const cases: [string, bigint][] = [
    ['', 0n],
    ['a', 4644417185603328019n],
    ['abc', -4594863902769663758n],
    ['abcdefgh', 4574395652268504554n], // one whole 8-byte block, empty tail
    ['abcdefghi', -532774252720507163n],
    ['/nix/store/355pakhd2avrpwi21pxlqvabgf1blb8p-bottom', 7619020554542252947n],
    ['é', 6047309291227476195n], // Latin-1: one byte per character
    ['ĀB', -1550311731070739927n], // UCS-2
    ['😀x', -8926728262118538918n], // UCS-4
  ];
  for (const [s, expected] of cases) assert.equal(signed(pythonStrHash(s)), expected, JSON.stringify(s));
});

test('frozenset hashes are CPython’s, whatever the order of the members', () => {
  // python3 -c 'print(hash(frozenset(...)))' with PYTHONHASHSEED=0
  assert.equal(signed(pythonFrozensetHash([])), 133146708735736n);
  assert.equal(signed(pythonFrozensetHash(['a'])), -7857795138424989601n);
  assert.equal(signed(pythonFrozensetHash(['a', 'b', 'abc'])), 3958752397367101168n);
  assert.equal(signed(pythonFrozensetHash(['abc', 'a', 'b'])), 3958752397367101168n);
});

test('a set of 40 frozensets iterates as CPython’s does (two table growths, probing)', () => {
  // python3: set(frozenset([f'x{i}', f'y{i % 7}']) for i in range(40)), PYTHONHASHSEED=0
  const items = Array.from({ length: 40 }, (_, i) => [`x${i}`, `y${i % 7}`]);
  const expected =
    'x29,y1 x37,y2 x30,y2 x32,y4 x4,y4 x1,y1 x9,y2 x3,y3 x38,y3 x31,y3 x35,y0 x39,y4 x8,y1 x33,y5 ' +
    'x13,y6 x10,y3 x23,y2 x24,y3 x19,y5 x27,y6 x36,y1 x34,y6 x11,y4 x6,y6 x17,y3 x14,y0 x26,y5 ' +
    'x28,y0 x21,y0 x16,y2 x7,y0 x15,y1 x22,y1 x5,y5 x20,y6 x12,y5 x25,y4 x2,y2 x18,y4 x0,y0';
  const order = pythonSetOrder([...items, ...items], (m) => m.join(','), (m) => pythonFrozensetHash(m));
  assert.equal(order.map((m) => m.join(',')).join(' '), expected);
});

test('auto: a diamond with two equal leaves puts them in nixpkgs’ order, not path order', () => {
  const bottom = '/nix/store/355pakhd2avrpwi21pxlqvabgf1blb8p-bottom';
  const right = '/nix/store/4m0c633if68igd3v23ppbg1574121ph8-right';
  const top = '/nix/store/ab0q2g920n7jmz1kw2hr9yf5l61w8rzl-top';
  const left = '/nix/store/bwspnpwarxgziznxxnxzflaiykkskdzp-left';
  const graph = [
    { path: bottom, narSize: 4000, references: [bottom] },
    { path: right, narSize: 2000, references: [bottom, right] },
    { path: top, narSize: 1000, references: [right, top, left] },
    { path: left, narSize: 2000, references: [bottom, left] },
  ];
  // auto-layer.py referencesGraph /dev/null 4, PYTHONHASHSEED=0: right's layer (closure
  // 6000) before left's (closure 6000), although "left" sorts first by name and path.
  assert.deepEqual(planLayers(graph, { strategy: 'auto', availableLayers: 4, roots: [top] }), [[bottom], [right], [left], [top]]);
  // With three layers left is a primary and right joins top.
  assert.deepEqual(planLayers(graph, { strategy: 'auto', availableLayers: 3, roots: [top] }), [[bottom], [left], [right, top]]);
});
