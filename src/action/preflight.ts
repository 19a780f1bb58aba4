// Checks made before anything is built: Nix on PATH (the action uses the Nix an installer
// action put there; it does not install Nix itself).

import fs from 'node:fs';
import path from 'node:path';
import { NIX_MISSING } from './constants.ts';

export class NixMissingError extends Error {
  override name = 'NixMissingError';
  constructor() {
    super(NIX_MISSING);
  }
}

export function onPath(command: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, command);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/** Fails with one line naming what to add to the workflow when Nix's tools are not on PATH. */
export function requireNix(env: NodeJS.ProcessEnv): void {
  if (!onPath('nix-build', env) || !onPath('nix-store', env)) throw new NixMissingError();
}
