// `includeNixDB`: a Nix database under `<destRoot>/nix/var/nix/` that registers exactly
// the image's closure, so `nix-store --verify` / `nix path-info` inside the image see
// its store paths as valid. What nixpkgs' `mkDbExtraCommand` does in the customisation
// layer, step for step:
//
//   NIX_REMOTE=local?root=$PWD USER=nobody nix-store --load-db < closureInfo/registration
//   ln -s <each content> nix/var/nix/gcroots/docker/<its base name>
//
// plus the reproducibility fix recent nixpkgs code carries (copies of mkDbExtraCommand,
// NixOS image builders):
//   sqlite3 nix/var/nix/db/db.sqlite "UPDATE ValidPaths SET registrationTime = $SOURCE_DATE_EPOCH"
//
// The registration is closureInfo's: the host's `nix-store --dump-db` entries with the
// deriver left empty, in path order. The local Nix writes the database, so its schema is
// whatever that Nix writes (Nix 2.8 and current Nix both use schema 10).
//
// Then, so the layer depends only on the closure (not on who ran the build, or where):
//   - db/reserved goes: an 8 MiB placeholder Nix re-creates when it opens the store;
//   - profiles/per-user/<user> and gcroots/per-user/<user> (named after the builder) go;
//   - symlinks Nix pointed at the temporary root (gcroots/profiles) point at /nix/...;
//   - nix/store gets mode 0755 (Nix running as root makes it 1775, group nixbld);
//   - the WAL is checkpointed into db.sqlite.

import fs from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { NixPathError } from './errors.ts';
import { run } from './exec.ts';
import { formatRegistration, parseRegistration, type RegistrationEntry } from './registration.ts';
import { toStorePath, unique } from './storePath.ts';
import { topStorePaths } from './validity.ts';
import { storeDir as detectStoreDir } from './version.ts';

export interface NixDbOptions {
  /**
   * Paths that get a `nix/var/nix/gcroots/docker/<base name>` link (nixpkgs: the
   * `contents`), each inside the closure; none by default.
   */
  gcRoots?: readonly string[];
  /** `registrationTime` of every path; default 315532800 (nixpkgs' SOURCE_DATE_EPOCH, 1980-01-01). */
  registrationTime?: number;
}

export const NIX_DB_REGISTRATION_TIME = 315532800;

/** Where writeNixDb puts the database below `destRoot`. */
export function nixDbPath(destRoot: string): string {
  return path.join(path.resolve(destRoot), 'nix/var/nix/db/db.sqlite');
}

/**
 * Writes `<destRoot>/nix/var/nix/...` registering exactly `closure` (store paths or paths
 * below them; it must be closed under references, else a NixPathError names what is missing).
 */
export async function writeNixDb(closure: readonly string[], destRoot: string, opts: NixDbOptions = {}): Promise<void> {
  const dir = await detectStoreDir();
  const root = path.resolve(destRoot);
  if (/[?&#%\s]/.test(root)) throw new Error(`writeNixDb: unsupported characters in the destination ${root}`);
  const stateDir = path.join(root, 'nix/var/nix');
  const dbPath = nixDbPath(root);
  if (await exists(dbPath)) throw new Error(`writeNixDb: ${dbPath} already exists`);

  const paths = topStorePaths(closure, dir, 'Nix database closure').sort();
  const entries = await dumpDb(paths);
  const inClosure = new Set(paths);
  for (const e of entries) {
    const outside = e.references.filter((r) => !inClosure.has(r));
    if (outside.length > 0) {
      throw new NixPathError(
        `writeNixDb: the closure is incomplete: ${e.path} refers to ${outside.join(', ')}, which it does not list`,
        outside,
      );
    }
  }
  const roots = unique(opts.gcRoots ?? []);
  const strays = roots.filter((r) => !inClosure.has(toStorePath(r, dir) ?? ''));
  if (strays.length > 0) {
    throw new NixPathError(`writeNixDb: GC roots outside the closure: ${strays.join(', ')}`, strays);
  }

  await fs.mkdir(root, { recursive: true });
  await run('nix-store', ['--load-db'], {
    input: formatRegistration(entries.map((e) => ({ ...e, deriver: '' }))),
    env: { NIX_REMOTE: `local?root=${root}`, USER: process.env.USER || 'nobody' },
  });

  setRegistrationTime(dbPath, opts.registrationTime ?? NIX_DB_REGISTRATION_TIME);
  await normalise(root, stateDir, dir);

  if (roots.length > 0) {
    const gcDir = path.join(stateDir, 'gcroots/docker');
    await fs.mkdir(gcDir, { recursive: true });
    for (const r of roots) await fs.symlink(r, path.join(gcDir, path.basename(r)));
  }
}

/** The host store's registration of `paths` (argument lists split to stay far below ARG_MAX). */
async function dumpDb(paths: readonly string[]): Promise<RegistrationEntry[]> {
  const entries: RegistrationEntry[] = [];
  for (let i = 0; i < paths.length; i += 2000) {
    entries.push(...parseRegistration(await run('nix-store', ['--dump-db', ...paths.slice(i, i + 2000)])));
  }
  return entries;
}

function setRegistrationTime(dbPath: string, time: number): void {
  const db = new DatabaseSync(dbPath);
  try {
    db.prepare('UPDATE ValidPaths SET registrationTime = ?').run(time);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function normalise(root: string, stateDir: string, dir: string): Promise<void> {
  const dbDir = path.join(stateDir, 'db');
  for (const f of ['reserved', 'db.sqlite-wal', 'db.sqlite-shm']) await fs.rm(path.join(dbDir, f), { force: true });
  for (const d of ['profiles/per-user', 'gcroots/per-user']) {
    const perUser = path.join(stateDir, d);
    for (const name of await fs.readdir(perUser).catch(() => [])) {
      await fs.rm(path.join(perUser, name), { recursive: true, force: true });
    }
  }
  await retargetLinks(path.join(root, 'nix/var'), root);
  await fs.chmod(path.join(root, dir.replace(/^\/+/, '')), 0o755).catch(() => {});
}

/** Symlinks below `top` that point into `root` are made to point at the same place inside the image. */
async function retargetLinks(top: string, root: string): Promise<void> {
  for (const entry of await fs.readdir(top, { withFileTypes: true, recursive: true })) {
    if (!entry.isSymbolicLink()) continue;
    const link = path.join(entry.parentPath, entry.name);
    const target = await fs.readlink(link);
    if (target === root || target.startsWith(`${root}/`)) {
      await fs.rm(link);
      await fs.symlink(`/${path.relative(root, target)}`, link);
    }
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
