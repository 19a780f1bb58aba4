// The store paths a layer refers to, found the way Nix finds an output's
// references: by looking for the 32-character hash part of candidate store
// paths anywhere in the bytes (here: member names, symlink targets and file
// contents, which is what the layer tar holds). Nix's candidates are the
// build's inputs; ours are the paths present in the store.

import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
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

// Synchronous, as symlinkJoin.ts is: most layers are many small files and symlinks,
// and a thread-pool round trip per entry cost more than the entry.
function scanFile(path: string, buf: Buffer, hashes: ReadonlyMap<string, string>, found: Set<string>): void {
  const fd = openSync(path, 'r');
  try {
    let carry = 0;
    for (;;) {
      const bytesRead = readSync(fd, buf, carry, CHUNK, null);
      if (bytesRead === 0) break;
      const end = carry + bytesRead;
      scan(buf.toString('latin1', 0, end), hashes, found);
      carry = Math.min(31, end);
      buf.copy(buf, 0, end - carry, end);
    }
  } finally {
    closeSync(fd);
  }
}

/** Store paths (sorted) that the tree at `root` mentions. */
export async function findStoreRefs(root: string, storeDir: string): Promise<string[]> {
  const hashes = await storeHashes(storeDir);
  const found = new Set<string>();
  const buf = Buffer.alloc(CHUNK + 31);
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      scan(entry.name, hashes, found);
      if (entry.isSymbolicLink()) scan(readlinkSync(path), hashes, found);
      else if (entry.isFile()) scanFile(path, buf, hashes, found);
      else if (entry.isDirectory()) visit(path);
    }
  };
  visit(root);
  return [...found].sort();
}

/** Store paths (sorted) that a tree in memory mentions: in its names and link targets (`texts`) or the content of `files`. */
export async function storeRefsInTree(texts: Iterable<string>, files: Iterable<string>, storeDir: string): Promise<string[]> {
  const hashes = await storeHashes(storeDir);
  const found = new Set<string>();
  for (const text of texts) scan(text, hashes, found);
  const buf = Buffer.alloc(CHUNK + 31);
  for (const file of files) scanFile(file, buf, hashes, found);
  return [...found].sort();
}
