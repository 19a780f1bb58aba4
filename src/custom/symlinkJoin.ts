// nixpkgs' symlinkJoin: `mkdir -p $out; for i in $paths; do lndir -silent $i $out; done`.
// This reproduces X.Org lndir (checked against Debian's lndir from xutils-dev
// 1:7.7+6, the tool nixpkgs' xorg.lndir packages):
// - a real directory (lstat, so a symlink to a directory is not one) is made
//   with mkdir(0777) under the builder's umask 022, i.e. 0755, and merged;
//   directories named BitKeeper, RCS, SCCS, CVS, CVS.adm, .svn, .git, .hg
//   and every name ending in `~` are skipped;
// - anything else becomes a symlink: to the source symlink's own target text
//   when the source is a symlink (relative targets stay relative), else to
//   `<source dir>/<name>` spelled from the path as given (not resolved);
// - the first path wins: an existing entry is left alone (lndir prints a
//   message and goes on; nothing fails), and a directory whose place is taken
//   by a symlink or a file is not merged ("is a link instead of a directory");
// - a path that is not a directory (a file, a missing path) fails the build.

import { lstat, mkdir, readdir, readlink, stat, symlink, chmod } from 'node:fs/promises';
import type { Logger } from '../util/log.ts';
import { CustomisationError } from './errors.ts';

const SKIPPED_DIRS = new Set(['BitKeeper', 'RCS', 'SCCS', 'CVS', 'CVS.adm', '.svn', '.git', '.hg']);

/** Directory mode lndir's mkdir(0777) gets under the builder's umask (022). */
export const LNDIR_DIR_MODE = 0o755;

/**
 * Lays out symlinkJoin of `paths` in the existing, empty directory `out`.
 * Conflicts are reported through `log.debug`, as lndir -silent still prints them.
 */
export async function symlinkJoin(paths: readonly string[], out: string, log: Logger): Promise<void> {
  for (const raw of paths) {
    if (!raw.startsWith('/')) {
      throw new CustomisationError(`contents: ${raw} is not an absolute path`);
    }
    const from = raw.replace(/\/+$/, '') || '/';
    const st = await stat(from).catch(() => null);
    if (st === null) throw new CustomisationError(`contents: ${from} does not exist`);
    if (!st.isDirectory()) {
      throw new CustomisationError(`contents: ${from} is not a directory (symlinkJoin/lndir needs one)`);
    }
    await linkDir(from, out, log);
  }
}

async function lstatOrNull(path: string) {
  return lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
}

async function linkDir(from: string, to: string, log: Logger): Promise<void> {
  // Sorted only so that messages come out in a stable order: within one
  // source directory names are unique, so the result does not depend on it.
  const names = (await readdir(from)).sort();
  for (const name of names) {
    if (name.endsWith('~')) continue;
    const src = `${from}/${name}`;
    const dst = `${to}/${name}`;
    const srcStat = await lstat(src);
    const existing = await lstatOrNull(dst);
    if (srcStat.isDirectory()) {
      if (SKIPPED_DIRS.has(name)) continue;
      if (existing === null) {
        await mkdir(dst);
        await chmod(dst, LNDIR_DIR_MODE);
      } else if (!existing.isDirectory()) {
        log.debug(`symlinkJoin: ${dst}: is a link instead of a directory; ${src} not merged`);
        continue;
      }
      await linkDir(src, dst, log);
      continue;
    }
    const target = srcStat.isSymbolicLink() ? await readlink(src) : src;
    if (existing !== null) {
      const have = existing.isSymbolicLink() ? await readlink(dst) : null;
      if (have !== target) log.debug(`symlinkJoin: ${dst} already exists; ${src} not linked`);
      continue;
    }
    await symlink(target, dst);
  }
}
