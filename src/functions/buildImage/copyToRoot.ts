// copyToRoot: each item's directory merged into the layer root, as nixpkgs does it:
//
//   for item in $copyToRoot; do rsync -a{k|K} --chown=0:0 $item/ layer/; done
//   chmod ug+w layer
//
// What that copy does, and what this module reproduces:
// - `$item/`: the item is followed if it is a symlink and must be a directory; its
//   contents go into the root, and the root takes the item's permission bits (rsync -a
//   sets a directory's attributes on every transfer: the last item wins), then ug+w.
// - rsync -a: recursive; files copied with their permission bits (hard links become
//   separate files: no -H); symlinks copied as symlinks; owners and times do not
//   matter here, the layer tar sets them.
// - keepContentsDirlinks = false, `-k` (--copy-dirlinks): a symlink in the item that
//   points to a directory is copied as that directory (its contents, its mode), so a
//   buildEnv's `bin -> /nix/store/...-redis/bin` becomes a real /bin.
// - keepContentsDirlinks = true, `-K` (--keep-dirlinks): symlinks stay symlinks, and a
//   symlink already in the layer that points to a directory is merged into as that
//   directory. rsync resolves such a link on the build machine; here it must resolve
//   inside the layer, and one that leaves it (an absolute link into the store, which
//   rsync would try to write into) is an error.
// - A directory in the layer cannot give way to a file or symlink of a later item unless
//   it is empty (rsync: "cannot delete non-empty directory", and the build fails).
// Directory modes are applied once everything is copied, so read-only directories of
// the store (0555) can be merged into; files keep their bits from the start.

import fs from 'node:fs';
import path from 'node:path';
import { SpecError } from '../../spec/errors.ts';

export interface CopyToRootOptions {
  keepDirlinks: boolean;
  /** The attribute errors name ("copyToRoot", or the deprecated "contents"). */
  attribute: string;
}

/** Merges every item into `root` (an existing directory) and sets the modes rsync leaves. */
export function copyToRoot(items: readonly string[], root: string, opts: CopyToRootOptions): void {
  const modes = new Map<string, number>();
  const realRoot = fs.realpathSync(root);
  let rootMode = fs.statSync(root).mode & 0o7777;
  for (const item of items) {
    let st: fs.Stats;
    try {
      st = fs.statSync(item);
    } catch (err) {
      throw new SpecError(opts.attribute, `${item}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!st.isDirectory()) {
      throw new SpecError(opts.attribute, `${item} is not a directory (its contents are copied into the image root)`);
    }
    rootMode = st.mode & 0o7777;
    mergeDir(item, root, '', { ...opts, item, realRoot, modes });
  }
  // Deepest first, so no directory is locked before its children are done.
  for (const [dir, mode] of [...modes].sort((a, b) => b[0].length - a[0].length)) fs.chmodSync(dir, mode);
  fs.chmodSync(root, (items.length > 0 ? rootMode : fs.statSync(root).mode & 0o7777) | 0o220);
}

/** Deeper than any real tree: a symlink to a parent, followed with -k, loops. */
const MAX_DEPTH = 256;

interface MergeState extends CopyToRootOptions {
  item: string;
  realRoot: string;
  /** Directory → the permission bits it ends with. */
  modes: Map<string, number>;
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null; // dangling, looping, or not allowed: a plain symlink to rsync too
  }
}

function mergeDir(src: string, dst: string, rel: string, s: MergeState): void {
  if (rel.split('/').length > MAX_DEPTH) {
    throw new SpecError(s.attribute, `${s.item}: /${rel} is nested too deeply (a symlink loop, followed as directories?)`);
  }
  const names = fs.readdirSync(src).sort();
  for (const name of names) {
    const from = path.join(src, name);
    let to = path.join(dst, name);
    const where = `/${rel === '' ? name : `${rel}/${name}`}`;
    const lst = fs.lstatSync(from);
    const followed = lst.isSymbolicLink() && !s.keepDirlinks ? statOrNull(from) : null;
    const isDir = lst.isDirectory() || followed?.isDirectory() === true;

    if (isDir) {
      const mode = (followed ?? lst).mode & 0o7777;
      const existing = lstatOrNull(to);
      if (existing?.isSymbolicLink()) {
        const target = s.keepDirlinks ? statOrNull(to) : null;
        if (target?.isDirectory()) {
          to = insideRoot(to, where, s);
        } else {
          fs.unlinkSync(to);
          fs.mkdirSync(to, 0o755);
        }
      } else if (existing !== null && !existing.isDirectory()) {
        fs.unlinkSync(to);
        fs.mkdirSync(to, 0o755);
      } else if (existing === null) {
        fs.mkdirSync(to, 0o755);
      } else {
        fs.chmodSync(to, 0o755 | (existing.mode & 0o7777)); // writable until the end
      }
      s.modes.set(to, mode);
      mergeDir(from, to, rel === '' ? name : `${rel}/${name}`, s);
      continue;
    }

    if (!lst.isFile() && !lst.isSymbolicLink()) {
      throw new SpecError(s.attribute, `${from}: special files (devices, sockets, FIFOs) cannot be copied`);
    }
    const existing = lstatOrNull(to);
    if (existing?.isDirectory()) {
      if (fs.readdirSync(to).length > 0) {
        throw new SpecError(
          s.attribute,
          `${s.item}: ${where} is a ${lst.isFile() ? 'file' : 'symlink'} there, but a non-empty directory in the layer already`,
        );
      }
      fs.rmdirSync(to);
      s.modes.delete(to);
    } else if (existing !== null) {
      fs.unlinkSync(to);
    }
    if (lst.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
    } else {
      fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE);
      fs.chmodSync(to, lst.mode & 0o7777);
    }
  }
}

/** With -K, a symlink in the layer that leads to a directory is merged into; it must stay in the layer. */
function insideRoot(link: string, where: string, s: MergeState): string {
  const real = fs.realpathSync(link);
  if (real !== s.realRoot && !real.startsWith(`${s.realRoot}/`)) {
    throw new SpecError(
      s.attribute,
      `${s.item}: ${where} is a directory there, but in the layer a symlink to ${fs.readlinkSync(link)}, outside the ` +
        'image root, which keepContentsDirlinks would merge into (rsync -K writes through it)',
    );
  }
  return real;
}
