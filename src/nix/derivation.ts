// Derivations as streamNixShellImage needs them: what the user names (installable.ts
// syntax) → its .drv, the .drv read with `nix show-derivation`, and its inputs realised.
//
// Commands used:
//   .drv path            taken as it is (it must be valid)
//   output path/./result nix-store --query --deriver PATH   ("unknown-deriver" when none)
//   file.nix[#attr]      nix-instantiate FILE [-A ATTR]      (prints DRV or DRV!OUTPUT)
//   flake reference      nix path-info --derivation REF
//   reading a .drv       nix show-derivation DRV (Nix < 2.15), nix derivation show DRV
//   its inputs           nix-store --realise DRV!OUT,... (Nix 2.8 and current Nix)
//
// `nix show-derivation --json` changed shape over the releases; parseShowDerivationJson
// takes all of them:
//   Nix < 2.33?   {"<drv path>": {outputs: {name: {path}}, inputSrcs: [paths],
//                  inputDrvs: {"<drv path>": [outputs]}, system|platform, builder, args, env}}
//   later         inputDrvs values {outputs: [..], dynamicOutputs: {}}; keys and paths
//                 may be base names; or {version, derivations: {"<base>.drv": {...,
//                 inputs: {srcs, drvs}}}}; structured attributes as `structuredAttrs`
//                 (older: env.__json).

import path from 'node:path';
import type { Logger } from '../util/log.ts';
import { NixCommandError, NixPathError } from './errors.ts';
import { lines, run } from './exec.ts';
import { parseInstallable } from './installable.ts';
import { followIntoStore } from './realise.ts';
import { absoluteStorePath, toStorePath, unique } from './storePath.ts';
import { invalidPaths } from './validity.ts';
import { NIX_COMMAND, NIX_COMMAND_FLAKES, nixVersion, storeDir as detectStoreDir, versionAtLeast } from './version.ts';

export interface DerivationInfo {
  drvPath: string;
  /** The derivation's `name`. */
  name: string;
  system: string;
  builder: string;
  args: string[];
  /** The builder's environment as the .drv records it (output paths included). */
  env: Record<string, string>;
  /** Output name → its path (null for a floating content-addressed output). */
  outputs: Record<string, string | null>;
  inputSrcs: string[];
  /** Input derivation → the outputs of it the derivation uses. */
  inputDrvs: Record<string, string[]>;
  /** Uses __structuredAttrs (env holds __json). */
  structuredAttrs: boolean;
}

/** The .drv that `item` (installable.ts syntax) stands for; a NixPathError when there is none. */
export async function derivationPathOf(item: string, log: Logger, opts: { cwd?: string } = {}): Promise<string> {
  const cwd = opts.cwd ?? workingDirectory();
  const dir = await detectStoreDir();
  let p = parseInstallable(item, dir);
  if (p.kind === 'local') {
    const inStore = await followIntoStore(path.resolve(cwd, p.path), dir);
    if (inStore === undefined) {
      throw new NixPathError(`${item}: not a .drv, a store path, a link into the store (like ./result), a file.nix[#attr] or a flake reference`, [item]);
    }
    const storePath = toStorePath(inStore, dir)!;
    p = storePath.endsWith('.drv') && inStore === storePath ? { kind: 'drv', item, drvPath: storePath } : { kind: 'store', item, path: inStore, storePath };
  }
  switch (p.kind) {
    case 'drv':
      await requireValid(item, p.drvPath, 'is not valid in the local Nix store');
      return p.drvPath;
    case 'store': {
      await requireValid(item, p.storePath, 'is not valid in the local Nix store');
      const deriver = lines(await run('nix-store', ['--query', '--deriver', p.storePath]))[0] ?? '';
      if (toStorePath(deriver, dir) !== deriver || !deriver.endsWith('.drv')) {
        const what = p.storePath === item ? item : `${item}: ${p.storePath}`;
        throw new NixPathError(`${what} has no known derivation (it was not built here, or was added to the store as it is)`, [item]);
      }
      await requireValid(item, deriver, 'is its derivation, which is not in the local Nix store');
      return deriver;
    }
    case 'nixFile': {
      const args = [path.resolve(cwd, p.file), ...(p.attr === undefined ? [] : ['-A', p.attr])];
      return oneDerivation(item, await evaluate(log, item, 'nix-instantiate', args, cwd), dir);
    }
    case 'flake':
      return oneDerivation(item, await evaluate(log, item, 'nix', [...NIX_COMMAND_FLAKES, 'path-info', '--derivation', p.ref], cwd), dir);
  }
}

async function requireValid(item: string, storePath: string, what: string): Promise<void> {
  if ((await invalidPaths([storePath])).length > 0) throw new NixPathError(storePath === item ? `${item} ${what}` : `${item}: ${storePath} ${what}`, [item]);
}

/** Runs an evaluation; its failure becomes a NixPathError carrying Nix's one-line error. */
async function evaluate(log: Logger, item: string, cmd: string, args: string[], cwd: string): Promise<string> {
  log.debug(`evaluating ${item}`);
  try {
    return await run(cmd, args, { cwd, onStderrLine: (l) => log.debug(l) });
  } catch (err) {
    if (!(err instanceof NixCommandError)) throw err;
    throw new NixPathError(`${item}: cannot evaluate it to a derivation: ${nixErrorLine(err.stderrTail)}`, [item]);
  }
}

/** The first `error: ...` line of Nix's stderr (colours removed), or its last line. */
export function nixErrorLine(stderr: string): string {
  const plain = stderr.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return plain.find((l) => l.startsWith('error:')) ?? plain.at(-1) ?? 'no output';
}

function oneDerivation(item: string, stdout: string, dir: string): string {
  const drvs = unique(lines(stdout).map((l) => absoluteStorePath(l.replace(/!.*$/, ''), dir)));
  if (drvs.length !== 1 || !drvs[0]!.endsWith('.drv') || toStorePath(drvs[0]!, dir) !== drvs[0]) {
    throw new NixPathError(`${item}: expected one derivation, got ${drvs.length === 0 ? 'none' : drvs.join(', ')}`, [item]);
  }
  return drvs[0]!;
}

/** Reads a valid .drv with `nix show-derivation` (`nix derivation show` from Nix 2.15). */
export async function showDerivation(drvPath: string): Promise<DerivationInfo> {
  const dir = await detectStoreDir();
  const command = versionAtLeast(await nixVersion(), 2, 15) ? ['derivation', 'show'] : ['show-derivation'];
  const out = await run('nix', [...NIX_COMMAND, ...command, drvPath]);
  return parseShowDerivationJson(out, drvPath, dir);
}

/** Parses any `nix show-derivation` / `nix derivation show` shape (see the top of this file). */
export function parseShowDerivationJson(text: string, drvPath: string, storeDir: string): DerivationInfo {
  const value: unknown = JSON.parse(text);
  if (!isObject(value)) throw new Error(`unexpected \`nix show-derivation\` output: ${text.slice(0, 200)}`);
  const all = isObject(value.derivations) ? value.derivations : value;
  const entry = Object.entries(all).find(([k]) => absoluteStorePath(k, storeDir) === drvPath) ?? (Object.keys(all).length === 1 ? Object.entries(all)[0] : undefined);
  if (!entry || !isObject(entry[1])) throw new Error(`\`nix show-derivation ${drvPath}\` did not describe it: ${text.slice(0, 200)}`);
  const info = entry[1];
  const abs = (p: string) => absoluteStorePath(p, storeDir);

  const env: Record<string, string> = {};
  if (isObject(info.env)) for (const [k, v] of Object.entries(info.env)) env[k] = typeof v === 'string' ? v : JSON.stringify(v);

  const outputs: Record<string, string | null> = {};
  if (isObject(info.outputs)) {
    for (const [name, o] of Object.entries(info.outputs)) outputs[name] = isObject(o) && typeof o.path === 'string' ? abs(o.path) : null;
  }

  const inputs = isObject(info.inputs) ? info.inputs : {};
  const srcs = Array.isArray(info.inputSrcs) ? info.inputSrcs : Array.isArray(inputs.srcs) ? inputs.srcs : [];
  const drvs = isObject(info.inputDrvs) ? info.inputDrvs : isObject(inputs.drvs) ? inputs.drvs : {};
  const inputDrvs: Record<string, string[]> = {};
  for (const [drv, outs] of Object.entries(drvs)) {
    const names = Array.isArray(outs) ? outs : isObject(outs) && Array.isArray(outs.outputs) ? outs.outputs : [];
    inputDrvs[abs(drv)] = names.filter((n): n is string => typeof n === 'string');
  }

  const base = path.basename(drvPath).replace(/^[^-]*-/, '').replace(/\.drv$/, '');
  return {
    drvPath,
    name: typeof info.name === 'string' ? info.name : (env.name ?? base),
    system: typeof info.system === 'string' ? info.system : typeof info.platform === 'string' ? info.platform : (env.system ?? ''),
    builder: typeof info.builder === 'string' ? info.builder : (env.builder ?? ''),
    args: Array.isArray(info.args) ? info.args.map((a) => String(a)) : [],
    env,
    outputs,
    inputSrcs: srcs.filter((s): s is string => typeof s === 'string').map(abs),
    inputDrvs,
    structuredAttrs: '__json' in env || (info.structuredAttrs !== undefined && info.structuredAttrs !== null),
  };
}

/**
 * Makes the derivation's inputs valid (builds or substitutes the outputs of its input
 * derivations it uses, substitutes its input sources) and returns them: the store paths
 * its environment may name and a build in the image needs.
 */
export async function realiseInputs(info: DerivationInfo, log: Logger): Promise<string[]> {
  const paths: string[] = [...info.inputSrcs];
  const invalidSrcs = await invalidPaths(info.inputSrcs);
  const items = [...invalidSrcs, ...Object.entries(info.inputDrvs).filter(([, outs]) => outs.length > 0).map(([drv, outs]) => `${drv}!${outs.join(',')}`)];
  if (items.length > 0) {
    log.info(`realising the inputs of ${info.drvPath}`);
    try {
      const out = await run('nix-store', ['--realise', ...items], { onStderrLine: (l) => log.info(l) });
      paths.push(...lines(out));
    } catch (err) {
      if (err instanceof NixCommandError) err.message = `cannot realise the inputs of ${info.drvPath}: ${err.message}`;
      throw err;
    }
  }
  return unique(paths);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Through a function, as in realise.ts (ncc's asset relocator reads `process.cwd()`). */
function workingDirectory(): string {
  return process.cwd();
}
