// Which store paths the local store holds as valid (registered, complete), and the
// image-config check built on it: a config that names a path the image will not carry
// describes a container that cannot run, so it is an error, not a warning.

import { NixPathError } from './errors.ts';
import { lines, run } from './exec.ts';
import { storePathsInValue, toStorePath, unique } from './storePath.ts';
import { storeDir as detectStoreDir } from './version.ts';

/** Argument lists are split so no command line grows past a few hundred KiB. */
const BATCH = 2000;

// Paths found valid in this process (per PATH, as version.ts keys its answers). A build
// asks about the same paths at several steps (contents, then the closure's roots);
// each `nix-store` start costs ~80 ms. A valid path stays valid while we hold it: only
// a garbage collection could take it, and then the closure query fails loudly anyway.
const knownValid = new Map<string, Set<string>>();
// Paths being asked about right now (realise.ts asks ahead): a second asker waits for that answer.
const asking = new Map<string, Map<string, Promise<unknown>>>();

/** The given store paths that are not valid in the local store (in input order). */
export async function invalidPaths(paths: readonly string[]): Promise<string[]> {
  const key = process.env.PATH ?? '';
  let valid = knownValid.get(key);
  if (!valid) knownValid.set(key, (valid = new Set()));
  let inFlight = asking.get(key);
  if (!inFlight) asking.set(key, (inFlight = new Map()));
  const wanted = unique(paths);
  await Promise.all(wanted.map((p) => inFlight.get(p)?.catch(() => {})));
  const todo = wanted.filter((p) => !valid.has(p));
  const query = (async () => {
    const invalid: string[] = [];
    for (let i = 0; i < todo.length; i += BATCH) {
      const out = await run('nix-store', ['--check-validity', '--print-invalid', ...todo.slice(i, i + BATCH)]);
      invalid.push(...lines(out));
    }
    return new Set(invalid);
  })();
  for (const p of todo) inFlight.set(p, query);
  try {
    const bad = await query;
    for (const p of todo) if (!bad.has(p)) valid.add(p);
    return todo.filter((p) => bad.has(p));
  } finally {
    for (const p of todo) if (inFlight.get(p) === query) inFlight.delete(p);
  }
}

/**
 * Throws a NixPathError naming every path of `paths` that is not valid. The message reads
 * "`what` refers to ... not valid in the local Nix store: <paths>. `consequence`".
 */
export async function requireValidPaths(
  paths: readonly string[],
  what: string,
  consequence = 'Build or fetch them first.',
): Promise<void> {
  const invalid = await invalidPaths(paths);
  if (invalid.length === 0) return;
  const one = invalid.length === 1;
  throw new NixPathError(
    `${what} refers to ${one ? 'a store path that is' : 'store paths that are'} not valid in the local Nix ` +
      `store: ${invalid.join(', ')}. ${consequence}`,
    invalid,
  );
}

/**
 * The store paths a JSON value (an image config: Cmd, Entrypoint, Env, ...) refers to,
 * as dockerTools takes them from the string context of the config: unique, in order of
 * first mention, every one valid in the local store (else a NixPathError naming them).
 */
export async function storePathsInConfig(value: unknown, what = 'the image config', dir?: string, textOnly: readonly string[] = []): Promise<string[]> {
  // `textOnly`: paths named without Nix string context, which do not join the image.
  const paths = storePathsInValue(value, dir ?? (await detectStoreDir())).filter((p) => !textOnly.includes(p));
  await requireValidPaths(
    paths,
    what,
    'The image would not contain them and could not run: build them first, or take them out of the config.',
  );
  return paths;
}

/** `paths` cut back to their store paths; throws a NixPathError for any path outside the store. */
export function topStorePaths(paths: readonly string[], dir: string, what: string): string[] {
  const outside = paths.filter((p) => toStorePath(p, dir) === undefined);
  if (outside.length > 0) {
    throw new NixPathError(`${what}: not inside the Nix store (${dir}): ${outside.join(', ')}`, outside);
  }
  return unique(paths.map((p) => toStorePath(p, dir)!));
}
