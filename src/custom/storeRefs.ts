// The store paths a layer refers to, found the way Nix finds an output's
// references: by looking for the 32-character hash part of candidate store
// paths anywhere in the bytes (here: member names, symlink targets and file
// contents, which is what the layer tar holds). Nix's candidates are the
// build's inputs; ours are the paths present in the store.

import { open, readdir, readlink, lstat } from 'node:fs/promises';
import { join } from 'node:path';

const HASH_RUN = /[0-9a-df-np-sv-z]{32,}/g;
const STORE_NAME = /^([0-9a-df-np-sv-z]{32})-[^/]+$/;
const CHUNK = 1 << 20;

/** hash → store path, for the store objects in `storeDir` (no .drv, no lock files). */
export async function storeHashes(storeDir: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const name of await readdir(storeDir)) {
    const m = STORE_NAME.exec(name);
    if (m === null || name.endsWith('.drv') || name.endsWith('.lock')) continue;
    map.set(m[1]!, `${storeDir}/${name}`);
  }
  return map;
}

/** Adds to `found` the store paths whose hash occurs in `text`. */
function scan(text: string, hashes: ReadonlyMap<string, string>, found: Set<string>): void {
  for (const m of text.matchAll(HASH_RUN)) {
    const run = m[0];
    for (let i = 0; i + 32 <= run.length; i++) {
      const path = hashes.get(run.slice(i, i + 32));
      if (path !== undefined) found.add(path);
    }
  }
}

async function scanFile(path: string, hashes: ReadonlyMap<string, string>, found: Set<string>): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK + 31);
    let carry = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, CHUNK, null);
      if (bytesRead === 0) break;
      const end = carry + bytesRead;
      scan(buf.toString('latin1', 0, end), hashes, found);
      carry = Math.min(31, end);
      buf.copy(buf, 0, end - carry, end);
    }
  } finally {
    await fh.close();
  }
}

/** Store paths (sorted) that the tree at `root` mentions. */
export async function findStoreRefs(root: string, storeDir: string): Promise<string[]> {
  const hashes = await storeHashes(storeDir);
  const found = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      scan(name, hashes, found);
      const st = await lstat(path);
      if (st.isSymbolicLink()) scan(await readlink(path), hashes, found);
      else if (st.isFile()) await scanFile(path, hashes, found);
      else if (st.isDirectory()) await visit(path);
    }
  };
  await visit(root);
  return [...found].sort();
}
