// Hostile and unlucky docker-archives, made on the fly (no binaries in the repository),
// for the reliability suite (test/reliability.test.ts): each case is an archive, a
// category, and what any function that reads archives must do with it — refuse it with
// one line matching `error`, or give a correct result.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { encodeHeader, endOfArchiveSize, paddingSize, type TarHeader } from '../../src/tar/header.ts';

export interface HostileCase {
  name: string;
  category: string;
  /** The archive file's bytes. */
  bytes: Buffer;
  /** A refusal (its one line matches) or null: the archive is valid and must work. */
  error: RegExp | null;
  /** exportImage only (other functions copy layers without reading their members). */
  exportOnly?: boolean;
}

const sha = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

type Member = Partial<TarHeader> & { name: string; data?: Buffer };

/** A tar of `members` as Python's tarfile writes it (pax records for long names and link targets). */
export function tarOf(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.data ?? Buffer.alloc(0);
    const header: TarHeader = { mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1, type: 'file', ...m, size: data.length };
    parts.push(encodeHeader(header, { dialect: 'python-pax' }), data, Buffer.alloc(paddingSize(data.length)));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, Buffer.alloc(endOfArchiveSize(body.length))]);
}

/** A layer tar holding a few files. */
export function layerTar(files: Record<string, string>): Buffer {
  return tarOf(Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text) })));
}

export interface ArchiveLayerSpec {
  /** The bytes stored as the member. */
  stored: Buffer;
  /** The diff_id the config claims. */
  diffId: string;
  member?: string;
}

/** A docker-archive of one image, `hostile:latest`, with the given layers. */
export function dockerArchiveOf(layers: ArchiveLayerSpec[], opts: { manifestLayers?: string[]; extra?: Member[] } = {}): Buffer {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created: '1970-01-01T00:00:01Z' })),
    }),
  );
  const configName = `${sha(config).slice(7)}.json`;
  const members = layers.map((l, i) => l.member ?? `${String(i).padStart(64, '0')}/layer.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['hostile:latest'], Layers: opts.manifestLayers ?? members }]));
  const seen = new Set<string>();
  const entries: Member[] = [];
  layers.forEach((l, i) => {
    if (seen.has(members[i]!)) return;
    seen.add(members[i]!);
    entries.push({ name: members[i]!, data: l.stored });
  });
  return tarOf([...entries, ...(opts.extra ?? []), { name: configName, data: config }, { name: 'manifest.json', data: manifest }]);
}

const gz = (b: Buffer): Buffer => zlib.gzipSync(b);
/** zstd as the `zstd` command writes it: one frame (with its content size). */
const zst = (b: Buffer): Buffer => zlib.zstdCompressSync(b);
/** zstd as several frames with skippable frames between them (as parallel compressors write). */
function zstFrames(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < b.length; at += 1000) {
    parts.push(zlib.zstdCompressSync(b.subarray(at, at + 1000)));
    const skip = Buffer.alloc(12);
    skip.writeUInt32LE(0x184d2a5e, 0);
    skip.writeUInt32LE(4, 4);
    parts.push(skip);
  }
  return Buffer.concat(parts);
}

/**
 * A zstd frame of `bytes` zero bytes made of RLE blocks: 4 bytes per 128 KiB, so a few KB
 * expand to gigabytes (what zstd itself writes for zeros is close to this).
 */
export function zstdBomb(bytes: number): Buffer {
  const block = 128 << 10;
  const n = Math.ceil(bytes / block);
  const out = Buffer.alloc(6 + n * 4);
  out.writeUInt32LE(0xfd2fb528, 0);
  out[4] = 0; // no content size, not single-segment, no checksum
  out[5] = 0x38; // window 128 KiB
  for (let i = 0; i < n; i++) {
    const last = i === n - 1 ? 1 : 0;
    const h = last | (1 << 1) | (block << 3);
    out.writeUIntLE(h, 6 + i * 4, 3);
    out[6 + i * 4 + 3] = 0;
  }
  return out;
}

/** The one layer of every valid case. */
export const GOOD_LAYER = layerTar({ 'etc/motd': 'the real layer\n', 'bin/hello': '#!/bin/sh\necho hi\n' });
const GOOD = GOOD_LAYER;
const OTHER = layerTar({ 'etc/motd': 'a substituted layer\n', 'bin/evil': '#!/bin/sh\necho pwned\n' });
const BOMB_BYTES = 3 * 2 ** 30; // beyond the 1 GiB floor of the expansion limit

/** Every case, each archive made now. */
export function hostileCases(): HostileCase[] {
  const lie = (stored: Buffer) => dockerArchiveOf([{ stored, diffId: sha(GOOD) }]);
  const diffIdLie = /hashes to sha256:[0-9a-f]{64}, but (the|its) image config says sha256:/;
  const cases: HostileCase[] = [
    // Items 1, 2: a layer whose bytes are not its diff_id, in every form.
    { name: 'lying plain layer', category: 'diff_id', bytes: lie(OTHER), error: diffIdLie },
    { name: 'lying gzip layer', category: 'diff_id', bytes: lie(gz(OTHER)), error: diffIdLie },
    { name: 'lying zstd layer', category: 'diff_id', bytes: lie(zst(OTHER)), error: diffIdLie },
    { name: 'lying multi-frame zstd layer', category: 'diff_id', bytes: lie(zstFrames(OTHER)), error: diffIdLie },
    { name: 'lying layer in a gzip archive', category: 'diff_id', bytes: gz(lie(OTHER)), error: diffIdLie },
    { name: 'lying gzip layer in a zstd archive', category: 'diff_id', bytes: zst(lie(gz(OTHER))), error: diffIdLie },
    {
      name: 'layer listed twice, the second time lying',
      category: 'diff_id',
      bytes: dockerArchiveOf([
        { stored: GOOD, diffId: sha(GOOD), member: 'a/layer.tar' },
        { stored: GOOD, diffId: sha(OTHER), member: 'a/layer.tar' },
      ]),
      error: /listed with diff_id sha256:[0-9a-f]{64} and with sha256:|hashes to/,
    },
    {
      name: 'layer named by a false digest',
      category: 'diff_id',
      bytes: dockerArchiveOf([{ stored: OTHER, diffId: sha(GOOD), member: `blobs/sha256/${sha(GOOD).slice(7)}` }]),
      error: diffIdLie,
    },
    {
      name: 'blob named by a digest it does not have',
      category: 'diff_id',
      bytes: dockerArchiveOf([{ stored: gz(GOOD), diffId: sha(GOOD), member: `blobs/sha256/${sha(OTHER).slice(7)}` }]),
      error: /named by a digest its bytes do not have/,
    },
    // Item 3: decompression bombs, and broken compressed streams.
    { name: 'zstd archive bomb', category: 'bomb', bytes: zstdBomb(BOMB_BYTES), error: /the archive decompresses to more than 1\.00 GiB .*decompression bomb/ },
    { name: 'zstd layer bomb', category: 'bomb', bytes: dockerArchiveOf([{ stored: zstdBomb(BOMB_BYTES), diffId: sha(GOOD) }]), error: /layer.* decompresses to more than 1\.00 GiB .*decompression bomb/ },
    { name: 'truncated zstd archive', category: 'corrupt', bytes: zst(lie(GOOD)).subarray(0, 200), error: /zstd: truncated stream|cannot read/ },
    { name: 'garbage after zstd magic', category: 'corrupt', bytes: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600, 0xff)]), error: /cannot read|zstd/ },
    { name: 'truncated gzip layer', category: 'corrupt', bytes: lie(gz(GOOD).subarray(0, 40)), error: /cannot be decompressed \(gz\)/ },
    { name: 'not a tar', category: 'corrupt', bytes: Buffer.from('this is not an archive at all\n'.repeat(40)), error: /not a tar archive|manifest/ },
    // Item 9 and item 3's speed: valid archives in every form must work.
    { name: 'plain layer', category: 'valid', bytes: lie(GOOD), error: null },
    { name: 'gzip layer', category: 'valid', bytes: lie(gz(GOOD)), error: null },
    { name: 'zstd layer (one frame)', category: 'valid', bytes: lie(zst(GOOD)), error: null },
    { name: 'zstd layer (frames and skippable frames)', category: 'valid', bytes: lie(zstFrames(GOOD)), error: null },
    { name: 'zstd archive (one frame)', category: 'valid', bytes: zst(lie(GOOD)), error: null },
    { name: 'zstd archive (frames)', category: 'valid', bytes: zstFrames(lie(zst(GOOD))), error: null },
    { name: 'gzip archive of a gzip layer', category: 'valid', bytes: gz(lie(gz(GOOD))), error: null },
  ];
  // Item 4: names the export could not write (exportImage reads the members).
  const longPath = Array.from({ length: 20000 }, () => 'a').join('/') + '/f';
  for (const [name, stored, error] of [
    ['path of 20,000 components', tarOf([{ name: longPath, data: Buffer.from('x') }]), /member 'a\/a\/a.*' has a path longer than 4095 bytes/],
    ['component of 300 bytes', tarOf([{ name: `etc/${'n'.repeat(300)}`, data: Buffer.from('x') }]), /member 'etc\/n+(…n+)?' has a name component longer than 255 bytes/],
    ['symlink target of 5000 bytes', tarOf([{ name: 'link', type: 'symlink', linkname: 'x'.repeat(5000) }]), /member 'link' links to a path longer than 4095 bytes/],
  ] as const) {
    cases.push({ name, category: 'names', bytes: dockerArchiveOf([{ stored, diffId: sha(stored) }]), error, exportOnly: true });
  }
  return cases;
}
