// What users paste must work: every ```yaml block of the README and every workflow under
// .github/ is valid YAML (parsed by the `yaml` library, errors with their line), and every
// step that uses this action gives it only inputs action.yml declares, as strings (a
// mapping or a list under `with:` is refused by the runner), with every required input;
// `steps.<id>.outputs.<name>` of such a step names an output action.yml declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { REPO } from './helpers/cli.ts';

interface ActionInterface {
  inputs: Map<string, { required: boolean }>;
  outputs: Set<string>;
}

function readActionYml(): ActionInterface {
  const doc = parseDocument(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')).toJS() as {
    inputs: Record<string, { required?: boolean }>;
    outputs: Record<string, unknown>;
  };
  return {
    inputs: new Map(Object.entries(doc.inputs).map(([k, v]) => [k, { required: v.required === true }])),
    outputs: new Set(Object.keys(doc.outputs)),
  };
}

/** `uses:` values that mean this action: a release (`owner/nix-docker-action@ref`) or the repository itself (`./`). */
const THIS_ACTION = /^(\.\/?|[^/\s]+\/nix-docker-action(\/)?@\S+)$/;

export interface Snippet {
  where: string;
  text: string;
}

/** The fenced ```yaml / ```yml blocks of a Markdown text, named by file and line. */
export function yamlBlocks(markdown: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```(yaml|yml)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ where: `${file}:${start}`, text: body.join('\n') });
  }
  return out;
}

/** Every problem of one snippet, as a line naming where it is; [] when it is fine. */
export function snippetProblems(snippet: Snippet, action: ActionInterface): { problems: string[]; steps: number } {
  const doc = parseDocument(snippet.text, { prettyErrors: true });
  const lineOf = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return snippet.where;
    const [file, first] = snippet.where.split(/:(?=\d+$)/);
    return `${file}:${Number(first) + snippet.text.slice(0, offset).split('\n').length - 1}`;
  };
  const errors = doc.errors.map((e) => `${snippet.where}: invalid YAML: ${e.message.split('\n')[0]}`);
  if (errors.length) return { problems: errors, steps: 0 };
  const problems: string[] = [];
  const ours = new Set<string>();
  let steps = 0;
  const visit = (node: unknown): void => {
    if (isSeq(node)) return node.items.forEach(visit);
    if (!isMap(node)) return;
    const uses = node.get('uses');
    if (typeof uses === 'string' && THIS_ACTION.test(uses)) {
      steps++;
      const id = node.get('id');
      if (typeof id === 'string') ours.add(id);
      const withNode = node.get('with', true) as Node | undefined;
      const given = new Set<string>();
      if (withNode !== undefined && !isMap(withNode)) problems.push(`${lineOf(withNode)}: 'with:' of ${uses} is not a mapping`);
      if (isMap(withNode)) {
        for (const pair of withNode.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          given.add(key);
          if (!action.inputs.has(key)) problems.push(`${lineOf(pair.key as Node)}: '${key}' is not an input of action.yml`);
          if (!isScalar(pair.value)) problems.push(`${lineOf(pair.key as Node)}: '${key}' is given a ${isSeq(pair.value) ? 'list' : 'mapping'}; inputs are strings (use a | block)`);
        }
      }
      for (const [name, input] of action.inputs) if (input.required && !given.has(name)) problems.push(`${lineOf(node)}: required input '${name}' is missing`);
    }
    for (const pair of node.items) visit(pair.value);
  };
  visit(doc.contents);
  // Expressions open and close (an unclosed one is a workflow syntax error, not a YAML one).
  for (const m of snippet.text.matchAll(/\$\{\{(?![^\n]*?\}\})/g)) {
    problems.push(`${lineOf({ range: [m.index, m.index, m.index] } as Node)}: an expression is opened and not closed on its line`);
  }
  for (const m of snippet.text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    if (ours.has(m[1]!) && !action.outputs.has(m[2]!)) problems.push(`${snippet.where}: steps.${m[1]}.outputs.${m[2]} is not an output of action.yml`);
  }
  return { problems, steps };
}

/** Workflow files, and YAML files of the examples. */
function workflowFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) found.push(p);
    }
  };
  walk(path.join(REPO, '.github'));
  walk(path.join(REPO, 'example'));
  return found;
}

test('the checker catches what breaks a pasted workflow', () => {
  const action: ActionInterface = { inputs: new Map([['name', { required: false }], ['push', { required: false }], ['needed', { required: true }]]), outputs: new Set(['digest']) };
  const check = (text: string) => snippetProblems({ where: 'x.md:10', text }, action).problems;
  // The snippet the README once had: an expression inside a { } flow mapping.
  assert.match(check('- uses: docker/login-action@v3\n  with: { registry: r.example, username: bot, password: ${{ secrets.REGISTRY_TOKEN }} }')[0]!, /^x\.md:10: invalid YAML: /);
  assert.deepEqual(check('- id: i\n  uses: o/nix-docker-action@v1\n  with:\n    needed: x\n    nmae: app\n    push: { a: 1 }\n- run: echo ${{ steps.i.outputs.digest }} ${{ steps.i.outputs.imageid }}'), [
    "x.md:14: 'nmae' is not an input of action.yml",
    "x.md:15: 'push' is given a mapping; inputs are strings (use a | block)",
    'x.md:10: steps.i.outputs.imageid is not an output of action.yml',
  ]);
  assert.deepEqual(check('steps:\n  - uses: ./\n    with:\n      name: app'), ["x.md:11: required input 'needed' is missing"]);
  assert.deepEqual(check('- uses: o/nix-docker-action@v1\n  with:\n    needed: ${{ github.ref'), ['x.md:12: an expression is opened and not closed on its line']);
  assert.deepEqual(check('- uses: other/action@v1\n  with: { anything: 1 }'), [], 'other actions are not ours to check');
});

test('README: every yaml block is valid, and what it gives this action is in action.yml', () => {
  const action = readActionYml();
  const blocks = yamlBlocks(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'), 'README.md');
  assert.ok(blocks.length >= 7, `found ${blocks.length} yaml blocks`);
  let steps = 0;
  const problems: string[] = [];
  for (const b of blocks) {
    const r = snippetProblems(b, action);
    steps += r.steps;
    problems.push(...r.problems);
  }
  assert.deepEqual(problems, []);
  assert.ok(steps >= 8, `found ${steps} steps using the action`);
});

test('workflows: every workflow file is valid, and what it gives this action is in action.yml', () => {
  const action = readActionYml();
  const files = workflowFiles();
  assert.ok(files.length >= 1);
  const problems = files.flatMap((f) => snippetProblems({ where: `${path.relative(REPO, f)}:1`, text: fs.readFileSync(f, 'utf8') }, action).problems);
  assert.deepEqual(problems, []);
});
