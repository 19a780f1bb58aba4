// The action's main step: inputs → spec → the same engine as the CLI → outputs.
import * as core from '@actions/core';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { functionName, parseSpec } from '../spec/index.ts';
import { extensionFor } from '../compress/index.ts';
import { planLayeredImage } from '../functions/layeredImage.ts';
import { deliver } from '../functions/deliver.ts';
import { storeDir } from '../nix/index.ts';
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
    const workDir = await fsp.mkdtemp(path.join(tmpRoot, 'nix-docker-'));
    try {
      const plan = await planLayeredImage(spec, { workDir, log: actionsLogger, now: new Date(), storeDir: await storeDir() });
      const result = await deliver(plan, { out, load: core.getBooleanInput(ACTION_INPUTS.load), compressor: spec.compressor, log: actionsLogger }).finally(() => plan.dispose());
      core.setOutput('imageTag', result.imageTag);
      core.setOutput('image', result.image);
      core.setOutput('image-id', result.configDigest);
      core.setOutput('archive', result.archive ?? '');
      core.setOutput('layers', JSON.stringify(result.layers));
    } finally {
      await fsp.rm(workDir, { recursive: true, force: true });
    }
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}

await run();
