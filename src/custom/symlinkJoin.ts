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

import { chmodSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import type { Logger } from '../util/log.ts';
import { CustomisationError } from './errors.ts';

const SKIPPED_DIRS = new Set(['BitKeeper', 'RCS', 'SCCS', 'CVS', 'CVS.adm', '.svn', '.git', '.hg']);

/** Directory mode lndir's mkdir(0777) gets under the builder's umask (022). */
export const LNDIR_DIR_MODE = 0o755;

/** The joined tree, in memory: directories the join makes, and symlinks with their targets. */
export type JoinNode = { kind: 'dir'; children: Map<string, JoinNode> } | { kind: 'link'; target: string };

/**
 * Lays out symlinkJoin of `paths` in the existing, empty directory `out`.
 * Conflicts are reported through `log.debug`, as lndir -silent still prints them.
 */
export async function symlinkJoin(paths: readonly string[], out: string, log: Logger): Promise<void> {
  materialiseJoin(planJoin(paths, log), out);
}

/**
 * symlinkJoin of `paths` as a tree in memory; only the sources are read. A join of
 * 100k entries made on disk and read back cost seconds of syscalls (bench/README.md,
 * "Many small files"); a layer that no script changes is written from this tree.
 * Synchronous on purpose: each entry is one small syscall, cheaper than a trip
 * through libuv's thread pool, and nothing else runs while the layer is planned.
 */
export function planJoin(paths: readonly string[], log: Logger): JoinNode & { kind: 'dir' } {
  const root = { kind: 'dir' as const, children: new Map<string, JoinNode>() };
  for (const raw of paths) {
    if (!raw.startsWith('/')) {
      throw new CustomisationError(`contents: ${raw} is not an absolute path`);
    }
    const from = raw.replace(/\/+$/, '') || '/';
    let st;
    try {
      st = statSync(from);
    } catch {
      throw new CustomisationError(`contents: ${from} does not exist`);
    }
    if (!st.isDirectory()) {
      throw new CustomisationError(`contents: ${from} is not a directory (symlinkJoin/lndir needs one)`);
    }
    joinDir(from, root, '', log);
  }
  return root;
}

function joinDir(from: string, to: JoinNode & { kind: 'dir' }, toPath: string, log: Logger): void {
  // Sorted only so that messages come out in a stable order: within one
  // source directory names are unique, so the result does not depend on it.
  const names = readdirSync(from).sort();
  for (const name of names) {
    if (name.endsWith('~')) continue;
    const src = `${from}/${name}`;
    const dst = `${toPath}/${name}`;
    const srcStat = lstatSync(src);
    const existing = to.children.get(name);
    if (srcStat.isDirectory()) {
      if (SKIPPED_DIRS.has(name)) continue;
      let dir = existing;
      if (dir === undefined) {
        dir = { kind: 'dir', children: new Map() };
        to.children.set(name, dir);
      } else if (dir.kind !== 'dir') {
        log.debug(`symlinkJoin: ${dst}: is a link instead of a directory; ${src} not merged`);
        continue;
      }
      joinDir(src, dir, dst, log);
      continue;
    }
    const target = srcStat.isSymbolicLink() ? readlinkSync(src) : src;
    if (existing !== undefined) {
      if (existing.kind === 'dir' || existing.target !== target) log.debug(`symlinkJoin: ${dst} already exists; ${src} not linked`);
      continue;
    }
    to.children.set(name, { kind: 'link', target });
  }
}

/** Makes the joined tree in the existing, empty directory `out` (for scripts that change it). */
export function materialiseJoin(tree: JoinNode & { kind: 'dir' }, out: string): void {
  for (const [name, node] of tree.children) {
    const dst = `${out}/${name}`;
    if (node.kind === 'link') symlinkSync(node.target, dst);
    else {
      mkdirSync(dst);
      chmodSync(dst, LNDIR_DIR_MODE);
      materialiseJoin(node, dst);
    }
  }
}

/** Every symlink target of the tree, and every name (the places a store path can be named). */
export function* joinedText(tree: JoinNode & { kind: 'dir' }): Generator<string> {
  for (const [name, node] of tree.children) {
    yield name;
    if (node.kind === 'link') yield node.target;
    else yield* joinedText(node);
  }
}
