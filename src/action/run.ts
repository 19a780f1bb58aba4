// The one place an error becomes a failed step: its message, whole (a YAML error keeps
// its line and pointer), naming the input at fault ("input 'maxLayers': ...", "input
// 'push': ...") is the error annotation, and the step exits 1. The post step's wrapper only warns: it saves the
// cache, and a failed save must not fail a job whose image was delivered.

import * as core from '@actions/core';
import { NIX_MISSING } from './constants.ts';
import { allInputNames } from './inputs.ts';
import { cleanUpOnSignals } from '../util/cleanup.ts';

export function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'NixNotFoundError') return NIX_MISSING;
  return asInputMessage(err.message);
}

/**
 * The engine names what it was given "attribute 'x'" (the CLI's word); in a workflow every
 * attribute is an input under `with:`, and the annotation says so.
 */
export function asInputMessage(message: string): string {
  return message.replace(/^attribute '([^']+)': /, (whole, name: string) => (INPUT_NAMES.has(name) ? `input '${name}': ` : whole));
}
const INPUT_NAMES = new Set(allInputNames());

export async function run(step: () => Promise<void>): Promise<void> {
  // A cancelled job (SIGINT, then SIGTERM): partial archives and work directories go, one error line.
  cleanUpOnSignals((signal) => core.error(`stopped by ${signal}; partial output and temporary files removed`));
  try {
    await step();
  } catch (err) {
    if (err instanceof Error && err.stack) core.debug(err.stack);
    core.setFailed(failureMessage(err));
  }
}

export async function runPost(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    core.warning(`post step: ${failureMessage(err)}`);
  }
}
