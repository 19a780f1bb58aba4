// Reads a docker-archive back with tar-stream (an independent tar reader), for assertions.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';

export interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  mtime: number;
  linkname?: string | null;
  size: number;
  data?: Buffer;
}

export interface ArchiveView {
  manifest: { Config: string; RepoTags: string[]; Layers: string[] }[];
  config: Record<string, any>;
  configBytes: Buffer;
  members: Map<string, Buffer>;
  /** Entries of each layer in manifest order. */
  layers: Entry[][];
  /** sha256 of each layer's bytes in manifest order. */
  layerDigests: string[];
}

function decompress(buf: Buffer): Buffer {
  if (buf[0] === 0x1f && buf[1] === 0x8b) return zlib.gunzipSync(buf);
  if (buf.readUInt32LE(0) === 0xfd2fb528) return zlib.zstdDecompressSync(buf);
  return buf;
}

export async function tarEntries(buf: Buffer, keepData = false): Promise<Entry[]> {
  const extract = tar.extract();
  const entries: Entry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => { if (keepData) chunks.push(c as Buffer); });
      stream.on('end', () => {
        entries.push({
          name: h.name,
          type: h.type ?? 'file',
          mode: h.mode ?? 0,
          uid: h.uid ?? 0,
          gid: h.gid ?? 0,
          uname: h.uname,
          gname: h.gname,
          mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000),
          linkname: h.linkname,
          size: h.size ?? 0,
          data: keepData ? Buffer.concat(chunks) : undefined,
        });
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([buf]).pipe(extract);
  await done;
  return entries;
}

export async function readArchive(fileOrBytes: string | Buffer): Promise<ArchiveView> {
  const bytes = decompress(typeof fileOrBytes === 'string' ? fs.readFileSync(fileOrBytes) : fileOrBytes);
  const members = new Map<string, Buffer>();
  for (const e of await tarEntries(bytes, true)) if (e.type === 'file') members.set(e.name, e.data!);
  const manifest = JSON.parse(members.get('manifest.json')!.toString());
  const configBytes = members.get(manifest[0].Config)!;
  const layers: Entry[][] = [];
  const layerDigests: string[] = [];
  for (const name of manifest[0].Layers as string[]) {
    const layer = decompress(members.get(name)!);
    layerDigests.push(createHash('sha256').update(layer).digest('hex'));
    layers.push(await tarEntries(layer, true));
  }
  return { manifest, config: JSON.parse(configBytes.toString()), configBytes, members, layers, layerDigests };
}
