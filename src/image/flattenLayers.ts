// The filesystem an image's layers make, computed from their tar headers alone: each
// file's content stays where it is (a byte range of a layer) until the writer copies it.
// Layers are hostile input, and nothing here touches the host, but the tree must still
// mean one thing: a member under a symlink or a file, a `..` component, a hard link to
// something absent is refused rather than guessed at (GNU tar already fails nixpkgs'
// build on `..` names and dangling hard links; writing through a symlink is where
// extractors disagree, and where a layer would reach outside the image on a host).
//
// The semantics are those of unpacking the layers in order into one directory as root
// (what `docker export` of a fresh container shows, and the reference recipe in
// test/exportImage.test.ts runs with GNU tar):
// - whiteouts act on the layers below, before the layer's own entries: `.wh.X` removes X
//   and everything under it, `.wh..wh..opq` empties its directory; both create their
//   missing parent directories, as unpacking them does, and are not in the result;
// - a directory entry over a directory changes its metadata and keeps its contents; any
//   other replacement drops what was there (a file over a directory drops the subtree);
// - missing parents are created 0755, owned by root (tar -x as root, umask 022);
// - a hard link is a copy of its target as it is at that point (--hard-dereference makes
//   it a separate file on output anyway, with the inode's, i.e. the target's, metadata).
// nixpkgs unpacks each layer into its own overlayfs lower instead; the two differ only
// in corner cases: there a directory a layer creates implicitly hides the metadata of
// the same directory below, and an opaque marker hides nothing (it becomes a whiteout of
// the name `.wh..opq`). We honour opaque directories, as docker and the OCI spec do.
// The root is the one place where the overlay always wins: it is the overlay's upper
// directory, made by `mkdir layer` in the VM (runWithOverlay), so it is 0755 and root's
// whatever a layer's `./` entry says (buildImage's layer, for one, has a 0775 `./`).
//
// Owners follow `tar -xpf` as root inside nixpkgs' VM, whose /etc/passwd holds only root
// and which has no /etc/group: a member whose user name is "root" is owned by uid 0
// whatever its uid field says; every other owner is the numeric uid and gid.

import type { TarMember } from './tarIndex.ts';

/** Where a file's content lies: `size` bytes at `offset` of `file` (an uncompressed layer). */
export interface ContentRange {
  file: string;
  offset: number;
  size: number;
}

export type NodeType = 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'fifo';

export interface FsNode {
  type: NodeType;
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target, one character per byte (latin1). */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  content?: ContentRange;
  /** Directories: entries by name (latin1, one character per byte). */
  children?: Map<string, FsNode>;
}

export class LayerContentError extends Error {
  override name = 'LayerContentError';
}

const MEMBER_TYPES: Record<string, NodeType> = { '0': 'file', '7': 'file', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo' };
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

const newDirectory = (): FsNode => ({ type: 'directory', mode: 0o755, uid: 0, gid: 0, children: new Map() });

// What a file system takes (Linux PATH_MAX with its NUL, NAME_MAX): a longer name could
// not be unpacked from the output by anyone, and a deep one makes an output of
// quadratic size (each member's name repeats its parents').
export const PATH_MAX = 4095;
export const NAME_MAX = 255;

/** "a/b" from any of "/a/b", "./a/b/", "a//b"; [] for the root. Names are latin1: length = bytes. */
function components(name: string, fail: (why: string) => never): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) fail("has a '..' component");
  if (parts.join('/').length > PATH_MAX) fail(`has a path longer than ${PATH_MAX} bytes`);
  if (parts.some((p) => p.length > NAME_MAX)) fail(`has a name component longer than ${NAME_MAX} bytes`);
  return parts;
}

/** A name fit for a one-line error: long ones keep their start and end. */
function shortName(name: string): string {
  return name.length <= 120 ? name : `${name.slice(0, 80)}…${name.slice(-30)}`;
}

/** The merged tree of layers applied bottom first with `apply`. */
export class LayerTree {
  readonly root: FsNode = newDirectory();

  /** Applies one layer's members (in archive order); `file` holds the uncompressed layer. */
  apply(members: readonly TarMember[], file: string, label: string): void {
    const failFor = (m: TarMember) => (why: string): never => {
      throw new LayerContentError(`${label}: member '${shortName(Buffer.from(m.name, 'latin1').toString('utf8'))}' ${why}`);
    };
    const entries: { m: TarMember; parts: string[] }[] = [];
    for (const m of members) {
      if (m.type === 'V') continue; // a volume label names the archive, not a file
      const parts = components(m.name, failFor(m));
      const base = parts[parts.length - 1] ?? '';
      if (!base.startsWith(WHITEOUT)) {
        entries.push({ m, parts });
        continue;
      }
      const dir = this.directory(parts.slice(0, -1), failFor(m));
      if (base === OPAQUE) dir.children!.clear();
      else if (base.length > WHITEOUT.length) dir.children!.delete(base.slice(WHITEOUT.length));
    }
    for (const { m, parts } of entries) this.add(m, parts, file, failFor(m));
  }

  private add(m: TarMember, parts: string[], file: string, fail: (why: string) => never): void {
    const uid = m.uname === 'root' ? 0 : m.uid;
    const meta = { mode: m.mode & 0o7777, uid, gid: m.gid };
    if (parts.length === 0) {
      if (m.type !== '5') fail('replaces the root directory with something else');
      return;
    }
    const parent = this.directory(parts.slice(0, -1), fail);
    const name = parts[parts.length - 1]!;
    const existing = parent.children!.get(name);
    if (m.type === '1') {
      const target = this.lookup(components(m.linkname, (why) => fail(`links to '${shortName(m.linkname)}', which ${why}`)));
      if (!target) fail(`is a hard link to '${shortName(m.linkname)}', which is not in the layers so far`);
      if (target.type === 'directory') fail(`is a hard link to the directory '${m.linkname}'`);
      if (target === existing) return; // a link to itself changes nothing
      parent.children!.set(name, { ...target });
      return;
    }
    const type = MEMBER_TYPES[m.type];
    if (!type) fail(`has tar type '${m.type}', which is not supported (sparse and multi-volume members are not)`);
    if (type === 'directory') {
      if (existing?.type === 'directory') Object.assign(existing, meta);
      else parent.children!.set(name, { type, ...meta, children: new Map() });
      return;
    }
    const node: FsNode = { type, ...meta };
    if (type === 'file') node.content = { file, offset: m.offset, size: m.size };
    if (type === 'symlink') {
      if (m.linkname.length > PATH_MAX) fail(`links to a path longer than ${PATH_MAX} bytes`);
      node.linkname = m.linkname;
    }
    if (type === 'char' || type === 'block') {
      node.devmajor = m.devmajor;
      node.devminor = m.devminor;
    }
    parent.children!.set(name, node);
  }

  /** The directory at `parts`, created (0755 root) where missing; refused through anything else. */
  private directory(parts: string[], fail: (why: string) => never): FsNode {
    let node = this.root;
    for (const [i, part] of parts.entries()) {
      let next = node.children!.get(part);
      if (!next) {
        next = newDirectory();
        node.children!.set(part, next);
      } else if (next.type !== 'directory') {
        fail(`lies under '${parts.slice(0, i + 1).join('/')}', which is a ${next.type === 'symlink' ? 'symlink' : next.type} in the layers so far; nothing is written through it`);
      }
      node = next;
    }
    return node;
  }

  /** The node at `parts`, symlinks not followed. */
  private lookup(parts: string[]): FsNode | undefined {
    let node: FsNode | undefined = this.root;
    for (const part of parts) {
      node = node.type === 'directory' ? node.children!.get(part) : undefined;
      if (!node) return undefined;
    }
    return node;
  }
}
