// The customisation layer of a plain symlinkJoin (no script changes it), written from
// the joined tree in memory: the members GNU tar would write for the tree on disk
// (planDirectoryTar's: `--format=gnu --sort=name --numeric-owner`, names `./...`,
// directories 0755 as lndir makes them, symlinks 0777 as Linux reports them).
// test/custom.test.ts compares it with GNU tar's output byte for byte.

import type { PlannedTar } from '../model.ts';
import { plannedTar, type PlannedMember } from '../tar/writer.ts';
import { LNDIR_DIR_MODE, type JoinNode } from './symlinkJoin.ts';

const SYMLINK_MODE = 0o777;

export function joinTar(tree: JoinNode & { kind: 'dir' }, mtime: number): PlannedTar {
  const members: PlannedMember[] = [];
  const header = (name: Buffer, node: JoinNode): PlannedMember => ({
    header: {
      name,
      type: node.kind === 'dir' ? 'directory' : 'symlink',
      mode: node.kind === 'dir' ? LNDIR_DIR_MODE : SYMLINK_MODE,
      size: 0,
      mtime,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      ...(node.kind === 'link' ? { linkname: Buffer.from(node.target) } : {}),
    },
  });
  const add = (dir: JoinNode & { kind: 'dir' }, prefix: Buffer): void => {
    // GNU tar's --sort=name: byte order of the names.
    const children = [...dir.children].map(([name, node]) => ({ name: Buffer.from(name), node })).sort((a, b) => Buffer.compare(a.name, b.name));
    for (const { name, node } of children) {
      const full = Buffer.concat([prefix, name]);
      members.push(header(full, node));
      if (node.kind === 'dir') add(node, Buffer.concat([full, SLASH]));
    }
  };
  const root = Buffer.from('./');
  members.push(header(root, tree));
  add(tree, root);
  return plannedTar(members, { dialect: 'gnu', longLinkOwner: '' });
}

const SLASH = Buffer.from('/');
