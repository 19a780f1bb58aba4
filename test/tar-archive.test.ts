// The outer-archive helpers against CPython's streaming tarfile, which
// stream_layered_image.py uses for the docker-archive itself
// (test/fixtures/tar/python_tarfile.py archive).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PlannedTar } from '../src/model.ts';
import {
  encodeFileHeader,
  endOfArchive,
  padding,
  planArchive,
  planDirectoryTar,
  type ArchiveMember,
} from '../src/tar/index.ts';

const PY_TARFILE = fileURLToPath(new URL('fixtures/tar/python_tarfile.py', import.meta.url));

async function bytesOf(tar: PlannedTar): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of tar.chunks()) parts.push(Buffer.from(chunk)); // chunks are reused buffers
  return Buffer.concat(parts);
}

interface PyMember {
  name: string;
  mtime: number;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  data: Buffer;
}

function pythonArchive(members: PyMember[], dir: string): Buffer {
  const spec = members.map((m, i) => {
    const dataFile = path.join(dir, `member-${i}`);
    fs.writeFileSync(dataFile, m.data);
    const { data: _data, name, ...fields } = m;
    return { name_hex: Buffer.from(name).toString('hex'), data_file: dataFile, ...fields };
  });
  return execFileSync('python3', [PY_TARFILE, 'archive'], { input: JSON.stringify(spec), maxBuffer: 1 << 28 });
}

test('planArchive equals python tarfile for a docker-archive-like set of members', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-archive-'));
  const tree = path.join(dir, 'tree');
  fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  const layer = await planDirectoryTar(tree, { dialect: 'gnu', mtime: 315532800 });
  const layerBytes = await bytesOf(layer);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' }, null, 4));
  const manifest = Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: ['x:y'], Layers: [] }], null, 4));
  const mtime = 1_700_000_000;
  const members: ArchiveMember[] = [
    { name: `${'a'.repeat(64)}/layer.tar`, mtime, body: layer },
    // add_customisation_layer keeps gettarinfo's mode and owner names.
    { name: `${'b'.repeat(64)}/layer.tar`, mtime, mode: 0o444, uname: 'root', gname: 'root', body: layerBytes },
    { name: `${'c'.repeat(64)}.json`, mtime, body: config },
    { name: 'manifest.json', mtime, body: manifest },
    { name: `long/${'n'.repeat(120)}`, mtime, body: Buffer.alloc(0) },
  ];
  const archive = planArchive(members);
  const ours = await bytesOf(archive);
  assert.equal(ours.length, archive.size);
  const theirs = pythonArchive(
    members.map(({ body, ...m }) => ({ ...m, data: body instanceof Uint8Array ? Buffer.from(body) : layerBytes })),
    dir,
  );
  assert.ok(ours.equals(theirs), 'same bytes as python');

  // The same archive by hand, from the low-level helpers the image writer uses.
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.body instanceof Uint8Array ? Buffer.from(m.body) : layerBytes;
    parts.push(encodeFileHeader({ ...m, size: data.length }), data, padding(data.length));
  }
  const written = parts.reduce((n, p) => n + p.length, 0);
  parts.push(endOfArchive(written));
  assert.ok(Buffer.concat(parts).equals(theirs), 'helpers compose to the same bytes');
  fs.rmSync(dir, { recursive: true });
});

test('end-of-archive padding equals python tarfile around record boundaries', async () => {
  const sizes = [0, 1, 511, 512, 8192, 8193, 8704, 9216, 9217, 9728, 10240, 19456];
  const script = [
    'import io, json, sys, tarfile',
    'out = []',
    'for n in json.load(sys.stdin):',
    '    buf = io.BytesIO()',
    '    with tarfile.open(fileobj=buf, mode="w|") as tar:',
    '        info = tarfile.TarInfo("f"); info.size = n; info.mtime = 1',
    '        tar.addfile(info, io.BytesIO(b"a" * n))',
    '    out.append(buf.getvalue().hex())',
    'print(json.dumps(out))',
  ].join('\n');
  const theirs = JSON.parse(
    execFileSync('python3', ['-c', script], { input: JSON.stringify(sizes) }).toString(),
  ) as string[];
  for (const [i, n] of sizes.entries()) {
    const ours = await bytesOf(planArchive([{ name: 'f', mtime: 1, body: Buffer.alloc(n, 0x61) }]));
    assert.equal(ours.toString('hex'), theirs[i], `content of ${n} bytes`);
  }
});

test('a planned body that produces another size than it announced is an error', async () => {
  const lying = (size: number, actual: number): PlannedTar => ({
    size,
    async *chunks() {
      yield Buffer.alloc(actual);
    },
  });
  await assert.rejects(bytesOf(planArchive([{ name: 'x', mtime: 0, body: lying(1024, 512) }])), /planned 1024 bytes, got 512/);
  await assert.rejects(bytesOf(planArchive([{ name: 'x', mtime: 0, body: lying(512, 1024) }])), /planned 512 bytes/);
});
