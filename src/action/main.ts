// The action's main step: inputs → spec → the same engine as the CLI → outputs.
import * as core from '@actions/core';
import os from 'node:os';
import path from 'node:path';
import { functionName, parseSpec } from '../spec/index.ts';
import { extensionFor } from '../compress/index.ts';
import { build } from '../functions/build.ts';
import type { Logger } from '../util/log.ts';
import { ACTION_INPUTS, checkUnknownInputs, readAttributeInputs } from './inputs.ts';

const actionsLogger: Logger = {
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  debug: (m) => core.debug(m),
  group: (title, fn) => core.group(title, fn),
};

export async function run(): Promise<void> {
  try {
    checkUnknownInputs(process.env);
    const fn = functionName(core.getInput(ACTION_INPUTS.function) || 'buildLayeredImage');
    const spec = parseSpec(fn, readAttributeInputs(fn, (n) => core.getInput(n)));
    const tmpRoot = process.env.RUNNER_TEMP || os.tmpdir();
    const out = core.getInput(ACTION_INPUTS.out) || path.join(tmpRoot, `${spec.name}${extensionFor(spec.compressor)}`);
    const result = await build({ spec, out, load: core.getBooleanInput(ACTION_INPUTS.load), tmpDir: tmpRoot, log: actionsLogger });
    core.setOutput('imageTag', result.imageTag);
    core.setOutput('image', result.image);
    core.setOutput('image-id', result.configDigest);
    core.setOutput('archive', result.archive ?? '');
    core.setOutput('layers', JSON.stringify(result.layers));
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

await run();
