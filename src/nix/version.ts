// Which Nix runs here, and where its store lives. Both are asked once per process (per
// PATH, so a test that hides Nix gets a fresh answer) and shared by the other modules.

import { NixNotFoundError } from './errors.ts';
import { run } from './exec.ts';

export interface NixVersion {
  major: number;
  minor: number;
  patch: number;
  /** The full `nix --version` line, e.g. `nix (Nix) 2.8.0` or `nix (Determinate Nix 3.6.2) 2.29.0`. */
  text: string;
}

export const DEFAULT_STORE_DIR = '/nix/store';

/**
 * The new CLI (`nix build`, `nix path-info`) is still "experimental" in most releases;
 * naming the features is harmless where they are already on.
 */
export const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'];
export const NIX_COMMAND_FLAKES = ['--extra-experimental-features', 'nix-command flakes'];

const versions = new Map<string, Promise<NixVersion>>();
const storeDirs = new Map<string, Promise<string>>();

/** The running Nix's version (from `nix --version`). */
export function nixVersion(): Promise<NixVersion> {
  const key = process.env.PATH ?? '';
  let v = versions.get(key);
  if (!v) {
    v = run('nix', ['--version']).then(parseNixVersion);
    v.catch(() => versions.delete(key));
    versions.set(key, v);
  }
  return v;
}

/** Parses `nix --version` output: the last `x.y[.z]` in the first line is Nix's own version. */
export function parseNixVersion(output: string): NixVersion {
  const text = output.trim().split('\n')[0] ?? '';
  const all = [...text.matchAll(/(\d+)\.(\d+)(?:\.(\d+))?/g)];
  const m = all.at(-1);
  if (!m) throw new Error(`cannot read the Nix version from \`nix --version\`: ${JSON.stringify(text)}`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text };
}

export function versionAtLeast(v: NixVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * The store directory of the running Nix (`builtins.storeDir`), `/nix/store` unless the
 * installation says otherwise. A missing Nix is an error; any other failure to evaluate
 * falls back to the default.
 */
export function storeDir(): Promise<string> {
  const key = process.env.PATH ?? '';
  let d = storeDirs.get(key);
  if (!d) {
    d = run('nix-instantiate', ['--eval', '--json', '-E', 'builtins.storeDir']).then(
      (out) => parseStoreDir(out),
      (err: unknown) => {
        if (err instanceof NixNotFoundError) throw err;
        return DEFAULT_STORE_DIR;
      },
    );
    d.catch(() => storeDirs.delete(key));
    storeDirs.set(key, d);
  }
  return d;
}

export function parseStoreDir(output: string): string {
  const value: unknown = JSON.parse(output);
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new Error(`unexpected builtins.storeDir: ${output.trim()}`);
  }
  return value.replace(/\/+$/, '');
}
