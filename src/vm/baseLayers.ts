// The base image's layers, made ready for the VM. They are unpacked there, in
// order, into ONE lower directory, the way `docker load` applies layers: a
// whiteout `.wh.X` removes X from the layers below, `.wh..wh..opq` empties
// its directory of what the layers below put there, and an entry replacing a
// directory with a file (or the reverse) removes the old one first. nixpkgs
// instead unpacks each layer into its own overlay lower with whiteouts as 0/0
// character devices; one merged lower shows the script the same tree, needs no
// xattrs for opaque directories (busybox cannot set them) and less disk.
//
// The host reads each layer once to list its members and writes, per layer,
// the paths to remove before unpacking it and the whiteout files to delete
// after; the VM runs `rm -rf` on those lists (NUL-separated, so any name
// works). Compressed layers are decompressed here (busybox has no zstd and
// TCG makes the VM slow at gunzip) into one spill file; plain ones are read in place.

import fs from 'node:fs';
import path from 'node:path';
import { decompressStream, sniffCompression } from '../compress/index.ts';
import { TarFormatError, tarNames } from './tarNames.ts';

export interface BaseLayerRange {
  file: string;
  offset: number;
  size: number;
}

/** A layer as the VM reads it: an uncompressed tar at a byte range of `file`, and the removal lists. */
export interface PreparedLayer extends BaseLayerRange {
  /** Paths (relative to the root) to remove before unpacking. */
  remove: Buffer[];
  /** Whiteout files of this layer, deleted after unpacking. */
  markers: Buffer[];
}

export class BaseLayerError extends Error {
  override name = 'BaseLayerError';
}

const SECTOR = 512;

/** "a/b" from any of "/a/b", "./a/b/", "a//b"; "" for the root. Bytes kept as latin1 characters. */
function normalize(name: Buffer, layer: number): string {
  const parts = name
    .toString('latin1')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new BaseLayerError(`base layer ${layer}: member '${name.toString('utf8')}' has a '..' component`);
  }
  return parts.join('/');
}

/** The tree the layers so far make: path → is it a directory. */
class Tree {
  private readonly nodes = new Map<string, boolean>();

  get(p: string): boolean | undefined {
    return this.nodes.get(p);
  }

  add(p: string, isDir: boolean): void {
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) {
      const parent = p.slice(0, i);
      if (!this.nodes.has(parent)) this.nodes.set(parent, true);
    }
    this.nodes.set(p, isDir);
  }

  removeSubtree(p: string): void {
    this.nodes.delete(p);
    const prefix = `${p}/`;
    for (const k of this.nodes.keys()) if (k.startsWith(prefix)) this.nodes.delete(k);
  }

  children(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    const out: string[] = [];
    for (const k of this.nodes.keys()) {
      if (k.length > prefix.length && k.startsWith(prefix) && !k.includes('/', prefix.length)) out.push(k);
    }
    return out;
  }
}

function splitPath(p: string): { dir: string; base: string } {
  const slash = p.lastIndexOf('/');
  return slash === -1 ? { dir: '', base: p } : { dir: p.slice(0, slash), base: p.slice(slash + 1) };
}

function join(dir: string, base: string): string {
  return dir === '' ? base : `${dir}/${base}`;
}

async function headOf(file: string, offset: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, offset);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Where the VM reads layers the host had to rewrite: one file, each layer at a
 * sector boundary, so it is one disk however many layers there are (a VM has
 * about 25 PCI slots for disks).
 */
class Spill {
  private size = 0;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  async append(source: AsyncIterable<Uint8Array>): Promise<BaseLayerRange> {
    const offset = this.size;
    const fh = await fs.promises.open(this.file, offset === 0 ? 'w' : 'r+');
    let written = 0;
    try {
      for await (const chunk of source) {
        await fh.write(chunk, 0, chunk.length, offset + written);
        written += chunk.length;
      }
    } finally {
      await fh.close();
    }
    // Two zero blocks after each layer: the VM's tar stops there even if the layer lacks them.
    this.size = offset + Math.ceil((written + 2 * SECTOR) / SECTOR) * SECTOR;
    await fs.promises.truncate(this.file, this.size);
    return { file: this.file, offset, size: written };
  }
}

/** How many distinct source files are read in place; layers of further files are copied. */
const MAX_SOURCES = 8;

/** Makes the layer an uncompressed tar the VM can read from a disk image (whole sectors). */
async function uncompressed(
  layer: BaseLayerRange,
  index: number,
  spill: Spill,
  sources: Set<string>,
): Promise<BaseLayerRange> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(layer.file);
  } catch {
    throw new BaseLayerError(`base layer ${index}: no such file ${layer.file}`);
  }
  if (layer.offset < 0 || layer.size < 0 || layer.offset + layer.size > st.size) {
    throw new BaseLayerError(`base layer ${index}: range ${layer.offset}+${layer.size} is outside ${layer.file}`);
  }
  const kind = layer.size >= 4 ? sniffCompression(await headOf(layer.file, layer.offset)) : 'none';
  // A raw disk image is read in whole sectors: a file that does not end on one is copied.
  const inPlace = kind === 'none' && st.size % SECTOR === 0 && (sources.has(layer.file) || sources.size < MAX_SOURCES);
  if (inPlace) {
    sources.add(layer.file);
    return layer;
  }
  const source = fs.createReadStream(layer.file, { start: layer.offset, end: layer.offset + layer.size - 1 });
  try {
    return await spill.append(kind === 'none' ? source : decompressStream(source, kind));
  } catch (err) {
    throw new BaseLayerError(`base layer ${index}: cannot ${kind === 'none' ? 'copy' : `decompress (${kind})`}: ${(err as Error).message}`);
  }
}

/** Lists the layers (bottom first) and computes what the VM removes around unpacking each. */
export async function prepareBaseLayers(layers: readonly BaseLayerRange[], workDir: string): Promise<PreparedLayer[]> {
  const tree = new Tree();
  const out: PreparedLayer[] = [];
  const spill = new Spill(path.join(workDir, 'base-layers.bin'));
  const sources = new Set<string>();
  for (const [i, given] of layers.entries()) {
    const index = i + 1;
    if (given.size === 0) continue; // nothing to unpack (not even a tar)
    let layer = await uncompressed(given, index, spill, sources);
    const whiteouts: string[] = [];
    const entries: { p: string; isDir: boolean }[] = [];
    const status = { terminated: false };
    try {
      const stream = fs.createReadStream(layer.file, { start: layer.offset, end: layer.offset + layer.size - 1 });
      for await (const m of tarNames(stream as AsyncIterable<Buffer>, status)) {
        const p = normalize(m.name, index);
        if (p === '') continue;
        if (splitPath(p).base.startsWith('.wh.')) whiteouts.push(p);
        else entries.push({ p, isDir: m.type === '5' });
      }
    } catch (err) {
      if (err instanceof BaseLayerError) throw err;
      const why = err instanceof TarFormatError ? err.message : (err as Error).message;
      throw new BaseLayerError(`base layer ${index} is not a readable tar (${why})`);
    }
    // The VM reads a layer in place until its end-of-archive blocks; one without them that
    // other bytes follow (the rest of a docker-archive) is copied out, where zeros follow.
    if (!status.terminated && layer.file !== spill.file) {
      const { file, offset, size } = layer;
      if (offset + size < (await fs.promises.stat(file)).size) {
        layer = await spill.append(fs.createReadStream(file, { start: offset, end: offset + size - 1 }));
      }
    }

    const remove: string[] = [];
    // Whiteouts act on the layers below only, so they go first.
    for (const w of whiteouts) {
      const { dir, base } = splitPath(w);
      if (base === '.wh..wh..opq') {
        for (const child of tree.children(dir)) {
          remove.push(child);
          tree.removeSubtree(child);
        }
      } else {
        const target = join(dir, base.slice('.wh.'.length));
        remove.push(target);
        tree.removeSubtree(target);
      }
    }
    const own = new Set<string>();
    for (const { p, isDir } of entries) {
      const below = own.has(p) ? undefined : tree.get(p);
      if (below === true && !isDir) {
        remove.push(p);
        tree.removeSubtree(p);
      } else if (below === false) {
        // A file, symlink or device below: unlink it first, so nothing writes through a symlink.
        remove.push(p);
      }
      own.add(p);
      tree.add(p, isDir);
    }
    out.push({
      ...layer,
      remove: remove.map((p) => Buffer.from(p, 'latin1')),
      markers: whiteouts.map((p) => Buffer.from(p, 'latin1')),
    });
  }
  return out;
}
