// Golden outputs: each fixture under test/fixtures/layering/ holds a graph and, per case,
// what nixpkgs' own layering scripts returned for it (see each fixture's "nixpkgs" and
// "generatedBy"). planLayers must return exactly that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planLayers } from '../src/layering/index.ts';
import type { StoreNode } from '../src/model.ts';

interface Case {
  strategy: unknown;
  availableLayers?: number;
  exclude?: string[];
  expected: string[][];
}

interface Fixture {
  description: string;
  roots: string[];
  exclude: string[];
  graph: StoreNode[];
  cases: Case[];
}

const dir = path.join(import.meta.dirname, 'fixtures', 'layering');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('the golden fixtures are there', () => {
  assert.ok(files.length >= 9, `only ${files.length} fixtures in ${dir}`);
});

function label(c: Case): string {
  const strategy = typeof c.strategy === 'string' ? c.strategy : JSON.stringify(c.strategy);
  const limit = c.availableLayers === undefined ? '' : ` availableLayers=${c.availableLayers}`;
  const exclude = c.exclude ? ` exclude=${JSON.stringify(c.exclude)}` : '';
  return `${strategy.length > 90 ? `${strategy.slice(0, 87)}...` : strategy}${limit}${exclude}`;
}

for (const file of files) {
  const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture;
  test(`${file}: ${fixture.description}`, async (t) => {
    assert.ok(fixture.cases.length > 0);
    for (const c of fixture.cases) {
      await t.test(label(c), () => {
        const layers = planLayers(fixture.graph, {
          strategy: c.strategy,
          availableLayers: c.availableLayers,
          roots: fixture.roots,
          exclude: c.exclude ?? fixture.exclude,
        });
        assert.deepEqual(layers, c.expected);
      });
    }
  });
}
