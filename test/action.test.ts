// The committed action bundle, run the way the runner runs it: a process with INPUT_*
// variables and a real GITHUB_OUTPUT file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './helpers/cli.ts';
import { nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { dockerRun, removeImage } from './helpers/docker.ts';

useOfflineNix();
let fx: NixFixtures;
before(async () => (fx = await nixFixtures()));

function runAction(inputs: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-'));
  const outputFile = path.join(dir, 'output');
  fs.writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: dir };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/main/index.js')], { env, encoding: 'utf8' });
  const outputs: Record<string, string> = {};
  // GITHUB_OUTPUT uses `name<<DELIM\nvalue\nDELIM` blocks.
  const text = fs.readFileSync(outputFile, 'utf8');
  for (const m of text.matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { status: r.status, stdout: r.stdout, outputs, dir };
}

test('action: builds, loads, and sets outputs', async () => {
  const r = runAction({ name: 'action-hello', tag: 'a1', contents: fx.hello, config: 'Cmd: [/bin/hello]', load: 'true' });
  assert.equal(r.status, 0, r.stdout);
  assert.equal(r.outputs.image, 'action-hello:a1');
  assert.match(r.outputs['image-id']!, /^sha256:[0-9a-f]{64}$/);
  assert.ok(fs.existsSync(r.outputs.archive!));
  assert.equal(JSON.parse(r.outputs.layers!).length, 4);
  assert.match(await dockerRun('action-hello:a1'), /Hello, world!/);
  await removeImage('action-hello:a1');
});

test('action: a misspelt or foreign input fails with an annotation naming it, and no outputs', () => {
  for (const [inputs, name] of [
    [{ name: 'x', maxLayers: 'lots' }, 'maxLayers'],
    [{ name: 'x', maxlayer: '3' }, 'maxlayer'],
    [{ name: 'x', config: '{"Cmd": [' }, 'config'],
    [{ function: 'streamLayeredImage', name: 'x', compressor: 'xz' }, 'compressor'],
  ] as [Record<string, string>, string][]) {
    const r = runAction(inputs);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^::error::attribute '${name}'`, 'm'));
    assert.deepEqual(r.outputs, {});
    assert.deepEqual(fs.readdirSync(r.dir).sort(), ['output']);
  }
});
