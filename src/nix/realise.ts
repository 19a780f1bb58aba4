// Turning what the user named (see installable.ts for the syntax) into valid store paths,
// building or substituting what is not there yet.
//
// A path below a store path (`/nix/store/x-hello/bin/hello`, or `./result/bin/hello`)
// stands for its store path wherever closures are concerned, so `realise` returns
// `/nix/store/x-hello`; `realiseDetailed` also keeps the location itself (`paths`) for
// callers that place the named file rather than the whole store path.
//
// Commands used, the same in Nix 2.8 and current Nix:
//   store paths   nix-store --check-validity --print-invalid, then nix-store --realise
//                 for the invalid ones (substitution; fails when nothing provides them)
//   .drv          nix-store --realise DRV         (prints the outputs)
//   file.nix      nix-build --no-out-link FILE [-A ATTR]
//   flake refs    nix build --no-link --json REF  (2.8 has no --print-out-paths; the
//                 JSON is [{drvPath, outputs: {name: path}}] or, for opaque paths,
//                 {path} in old Nix and a bare string in new Nix)

import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../util/log.ts';
import { NixCommandError, NixPathError } from './errors.ts';
import { lines, run } from './exec.ts';
import { type Installable, parseInstallable } from './installable.ts';
import { absoluteStorePath, toStorePath, unique } from './storePath.ts';
import { invalidPaths } from './validity.ts';
import { NIX_COMMAND_FLAKES, storeDir as detectStoreDir } from './version.ts';

export interface Realised {
  /** The item as given. */
  item: string;
  /** The valid store paths it stands for (several for a multi-output build). */
  storePaths: string[];
  /** Where it points, one per store path: the store path itself or a path below it. */
  paths: string[];
}

export interface RealiseOptions {
  /** Directory that relative items (`./result`, `file.nix`, `.#pkg`) are relative to; default the process's. */
  cwd?: string;
  /**
   * The Nix system to build for (`aarch64-linux`): Nix's `system` setting, so a flake's
   * `.#app` is `packages.<system>.app` and a file's `builtins.currentSystem` is it.
   */
  system?: string;
}

/**
 * Asks ahead, in the background, whether the store paths that path-like items point to
 * are valid, so that `realise` finds the answer remembered (validity.ts) instead of
 * waiting for `nix-store` after the store-directory query. A guess: the store directory
 * is taken from where the link leads (`/nix/store/<hash>-<name>`); anything else is left
 * for `realise` to ask properly. Never throws.
 */
export function prefetchValidity(items: readonly string[], cwd: string = workingDirectory()): void {
  void (async () => {
    const guesses: string[] = [];
    for (const item of items) {
      if (!item.startsWith('/') && !item.startsWith('.')) continue;
      const real = await fs.realpath(path.resolve(cwd, item)).catch(() => undefined);
      const m = real && /^(\/[^/]+\/store\/[0-9a-df-np-sv-z]{32}-[^/]+)/.exec(real);
      if (m) guesses.push(m[1]!);
    }
    if (guesses.length > 0) await invalidPaths(guesses);
  })().catch(() => {});
}

/** Realises every item and returns the store paths, unique, in order. */
export async function realise(items: readonly string[], log: Logger, opts: RealiseOptions = {}): Promise<string[]> {
  const done = await realiseDetailed(items, log, opts);
  return unique(done.flatMap((r) => r.storePaths));
}

/** Realises every item; one result per item, in order. */
export async function realiseDetailed(
  items: readonly string[],
  log: Logger,
  opts: RealiseOptions = {},
): Promise<Realised[]> {
  // Through a function: ncc's asset relocator would otherwise read `process.cwd()` as
  // the build directory and copy it into the bundle.
  const cwd = opts.cwd ?? workingDirectory();
  const dir = await detectStoreDir();
  const system = opts.system ? ['--option', 'system', opts.system] : [];
  const parsed: Installable[] = [];
  for (const item of items) {
    const p = parseInstallable(item, dir);
    parsed.push(p.kind === 'local' ? await localToStore(p.item, p.path, dir, cwd) : p);
  }

  await ensureValid(
    parsed.flatMap((p) => (p.kind === 'store' ? [p.storePath] : [])),
    log,
  );

  const results: Realised[] = [];
  for (const p of parsed) {
    switch (p.kind) {
      case 'store':
        results.push({ item: p.item, storePaths: [p.storePath], paths: [p.path] });
        break;
      case 'drv':
        results.push(outputs(p.item, await build(log, p.item, 'nix-store', ['--realise', p.drvPath]), dir));
        break;
      case 'nixFile': {
        const args = ['--no-out-link', ...system, path.resolve(cwd, p.file), ...(p.attr === undefined ? [] : ['-A', p.attr])];
        results.push(outputs(p.item, await build(log, p.item, 'nix-build', args, cwd), dir));
        break;
      }
      case 'flake': {
        const args = [...NIX_COMMAND_FLAKES, 'build', '--no-link', '--json', ...system, p.ref];
        const out = await build(log, p.item, 'nix', args, cwd);
        results.push(outputs(p.item, parseBuildJson(out, dir).join('\n'), dir));
        break;
      }
      case 'local':
        throw new Error('unreachable: local paths are resolved above');
    }
  }
  return results;
}

/** Runs a build command, forwarding its log; a failure names the item it was building. */
async function build(log: Logger, item: string, cmd: string, args: string[], cwd?: string): Promise<string> {
  log.info(`realising ${item}`);
  try {
    return await run(cmd, args, { cwd, onStderrLine: (l) => log.info(l) });
  } catch (err) {
    if (err instanceof NixCommandError) err.message = `cannot realise ${item}: ${err.message}`;
    throw err;
  }
}

function outputs(item: string, stdout: string, dir: string): Realised {
  const storePaths = unique(lines(stdout).map((l) => absoluteStorePath(l, dir)));
  const bad = storePaths.filter((p) => toStorePath(p, dir) !== p);
  if (storePaths.length === 0 || bad.length > 0) {
    const shown = JSON.stringify(stdout.slice(0, 200));
    throw new NixPathError(`${item}: the build printed no store paths (${shown})`, [item]);
  }
  return { item, storePaths, paths: storePaths };
}

/** Substitutes the store paths that are not valid yet; an error names those that stay invalid. */
async function ensureValid(storePaths: string[], log: Logger): Promise<void> {
  const invalid = await invalidPaths(storePaths);
  if (invalid.length === 0) return;
  log.info(`fetching ${invalid.length} store path(s) that are not valid locally`);
  try {
    await run('nix-store', ['--realise', ...invalid], { onStderrLine: (l) => log.info(l) });
  } catch (err) {
    if (!(err instanceof NixCommandError)) throw err;
    throw new NixPathError(
      `not valid in the local Nix store and could not be substituted: ${invalid.join(', ')}\n${err.stderrTail}`,
      invalid,
    );
  }
}

/**
 * `nix build --json` output → output paths. Entries are {drvPath, outputs} for builds;
 * opaque store paths are {path} (Nix 2.8) or a bare string (newer Nix).
 */
export function parseBuildJson(stdout: string, dir: string): string[] {
  const value: unknown = JSON.parse(stdout);
  if (!Array.isArray(value)) throw new Error(`unexpected \`nix build --json\` output: ${stdout.slice(0, 200)}`);
  const paths: string[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry === 'string') paths.push(entry);
    else if (entry && typeof entry === 'object') {
      const e = entry as { path?: unknown; outputs?: unknown };
      if (typeof e.path === 'string') paths.push(e.path);
      if (e.outputs && typeof e.outputs === 'object') {
        for (const out of Object.values(e.outputs)) if (typeof out === 'string') paths.push(out);
      }
    }
  }
  return paths.map((p) => absoluteStorePath(p, dir));
}

/** A local path (`./result`, `result/bin/hello`) followed link by link until it enters the store. */
async function localToStore(item: string, local: string, dir: string, cwd: string): Promise<Installable> {
  const inStore = await followIntoStore(path.resolve(cwd, local), dir);
  if (inStore === undefined) {
    throw new NixPathError(
      `${item}: not a store path, a link into the store (like ./result), a file.nix[#attr] or a flake ` +
        'reference (<flake>#<attr>)',
      [item],
    );
  }
  return { kind: 'store', item, path: inStore, storePath: toStorePath(inStore, dir)! };
}

/**
 * Resolves symlinks one component at a time and stops as soon as the path is inside the
 * store, so a link to a store path that is itself a symlink names that store path, not
 * its target. Undefined when the path never enters the store.
 */
export async function followIntoStore(start: string, dir: string): Promise<string | undefined> {
  let current = start;
  for (let hops = 0; hops < 64; hops++) {
    if (toStorePath(current, dir) !== undefined) return current;
    const parts = current.split('/').filter((c) => c !== '');
    let prefix = '';
    let next: string | undefined;
    for (let i = 0; i < parts.length && next === undefined; i++) {
      prefix += `/${parts[i]}`;
      const rest = parts.slice(i + 1);
      if (toStorePath(prefix, dir) !== undefined) return path.join(prefix, ...rest);
      let st;
      try {
        st = await fs.lstat(prefix);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      if (st.isSymbolicLink()) next = resolveFrom(path.dirname(prefix), await fs.readlink(prefix), ...rest);
    }
    if (next === undefined) return undefined;
    current = next;
  }
  throw new NixPathError(`${start}: too many levels of symbolic links`, [start]);
}

function workingDirectory(): string {
  return process.cwd();
}

/** path.resolve behind a parameter, for the same reason as workingDirectory(). */
function resolveFrom(dir: string, ...parts: string[]): string {
  return path.resolve(dir, ...parts);
}
