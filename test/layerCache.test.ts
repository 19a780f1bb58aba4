// The layer cache end to end through the CLI (local directory backend): a warm build
// does no tar or compress work for unchanged layers and writes identical bytes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nixFixtures, syntheticPaths, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDockerOk } from './helpers/cli.ts';

useOfflineNix();
let fx: NixFixtures;
let tmp: string;
before(async () => {
  fx = await nixFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layercache-test-'));
});

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

for (const compressor of ['gz', 'zstd'] as const) {
  test(`${compressor}: cold build fills the cache; a warm build reuses every layer and is byte-identical; one changed path rebuilds one layer`, async () => {
    const cacheDir = fs.mkdtempSync(path.join(tmp, `cache-${compressor}-`));
    const [extraA] = await syntheticPaths(1, 'independent', `cache${compressor}A`);
    const [extraB] = await syntheticPaths(1, 'independent', `cache${compressor}B`);
    const build = async (name: string, extra: string) => {
      const out = path.join(tmp, `${name}.tar`);
      const args = ['buildLayeredImage', '--name', 'cached', '--tag', 't', '--contents', fx.hello, '--config', JSON.stringify({ Cmd: ['/bin/hello'], Labels: { extra } }), '--compressor', compressor, '--cache-dir', cacheDir, '--out', out, '--json'];
      const report = (await nixDockerOk(args, { cwd: fs.mkdtempSync(path.join(tmp, 'ws-')) })).json();
      return { report, bytes: fs.readFileSync(out) };
    };
    const cold = await build(`cold-${compressor}`, extraA!);
    assert.equal(cold.report.produced, 5); // busybox, libgreet, hello, the extra path, customisation
    assert.ok(cold.report.layers.every((l: any) => !l.cached && /^sha256:/.test(l.digest)));
    assert.equal(cold.report.cache.puts, 5);

    const warm = await build(`warm-${compressor}`, extraA!);
    assert.equal(warm.report.produced, 0);
    assert.ok(warm.report.layers.every((l: any) => l.cached));
    assert.equal(warm.report.cache.puts, 0, 'nothing saved twice');
    assert.ok(warm.bytes.equals(cold.bytes), 'warm archive differs from cold');

    const changed = await build(`changed-${compressor}`, extraB!);
    assert.equal(changed.report.produced, 1);
    const rebuilt = changed.report.layers.filter((l: any) => !l.cached);
    assert.deepEqual(rebuilt.map((l: any) => l.paths), [[extraB]]);
  });
}

test('a corrupted cache entry is discarded with a warning and the layer rebuilt; the image is unchanged', async () => {
  const cacheDir = fs.mkdtempSync(path.join(tmp, 'cache-corrupt-'));
  const args = (out: string) => ['buildLayeredImage', '--name', 'corrupt', '--contents', fx.hello, '--cache-dir', cacheDir, '--out', out, '--json'];
  const cold = (await nixDockerOk(args(path.join(tmp, 'c1.tar.gz')))).json();
  // Flip a byte in the middle of the largest blob the cache holds (busybox's layer).
  const blobs = files(cacheDir).filter((f) => !f.endsWith('.json'));
  const largest = blobs.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0]!;
  const bytes = fs.readFileSync(largest);
  bytes[bytes.length >> 1] ^= 0xff;
  fs.writeFileSync(largest, bytes);
  const r = await nixDockerOk(args(path.join(tmp, 'c2.tar.gz')));
  const warm = r.json();
  assert.match(r.stderr, /warning: .*(corrupt|digest|mismatch)/i);
  assert.equal(warm.produced, 1);
  assert.equal(warm.cache.corrupt, 1);
  assert.equal(warm.configDigest, cold.configDigest);
  assert.ok(fs.readFileSync(path.join(tmp, 'c1.tar.gz')).equals(fs.readFileSync(path.join(tmp, 'c2.tar.gz'))));
});

// The recorder that picks new layers out of a compressed output and keeps them: with a
// scratch directory, each wanted layer is also written to a file of its own on the way.
async function recorded(opts: { scratch?: string; fail?: boolean }) {
  const { SegmentRecorder } = await import('../src/functions/layerCache.ts');
  const { compressStream, FLUSH } = await import('../src/compress/index.ts');
  const { localDirCache } = await import('../src/cache/index.ts');
  const cacheDir = fs.mkdtempSync(path.join(tmp, 'recorder-'));
  const cache = localDirCache(cacheDir);
  const scratch = opts.scratch ?? (await cache.scratchDir!());
  const data = { a: crypto.randomBytes(5 << 20), b: crypto.randomBytes(3000) };
  async function* source() {
    for (const [segment, bytes] of Object.entries(data)) {
      yield { boundary: true as const, segment };
      yield bytes.subarray(0, 1000);
      if (opts.fail && segment === 'b') throw new Error('the source broke');
      yield bytes.subarray(1000);
      yield FLUSH;
    }
  }
  const recorder = new SegmentRecorder({ dir: scratch, wants: (m) => m === 'a' });
  const out = path.join(cacheDir, 'out.tar.gz');
  const sink = fs.createWriteStream(out);
  let error: Error | undefined;
  const puts: string[] = [];
  try {
    for await (const chunk of recorder.track(compressStream(source(), 'gz', { tap: recorder.tap, transient: true, blockSize: 64 << 10 }))) {
      await new Promise<void>((res, rej) => sink.write(chunk, (e) => (e ? rej(e) : res())));
    }
    await new Promise<void>((res) => sink.end(res));
    const layers = Object.entries(data).map(([member, bytes]) => ({ member, cacheKey: `key-${member}`, diffId: `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length }));
    const spy = { ...cache, put: (key: string, l: Parameters<typeof cache.put>[1]) => (puts.push(`${key}:${l.handOver ? 'handed over' : `range at ${l.blobOffset}`}`), cache.put(key, l)) };
    assert.equal(await recorder.keep(spy, out, 'gz', layers), 2);
  } catch (err) {
    error = err as Error;
  }
  const before = fs.existsSync(scratch) ? fs.readdirSync(scratch) : [];
  await recorder.discard();
  sink.destroy();
  const output = error ? Buffer.alloc(0) : fs.readFileSync(out);
  const range = (m: string) => {
    const s = recorder.find(m)!;
    return output.subarray(s.offset, s.offset + s.size);
  };
  const blob = async (m: string) => {
    const hit = (await localDirCache(cacheDir).lookup([`key-${m}`])).get(`key-${m}`);
    return hit ? { bytes: fs.readFileSync(hit.blobPath), ino: fs.statSync(hit.blobPath).ino } : undefined;
  };
  return { error, range, blob, before, puts, left: fs.existsSync(scratch) ? fs.readdirSync(scratch) : [] };
}

test('a new layer is written to the cache scratch directory as it is compressed, and kept by a rename', async () => {
  const r = await recorded({});
  assert.equal(r.error, undefined);
  assert.deepEqual(r.puts, ['key-a:handed over', `key-b:range at ${r.range('a').length}`]);
  for (const m of ['a', 'b']) assert.deepEqual((await r.blob(m))?.bytes, r.range(m), `layer ${m} as cached equals its run of the output`);
  assert.deepEqual(r.left, [], 'nothing left in the scratch directory');
});

test('a copy that cannot be written leaves the layer to be kept from the output; a failed output leaves no copies', async () => {
  const gone = path.join(tmp, 'no-such-scratch');
  const broken = await recorded({ scratch: gone });
  assert.equal(broken.error, undefined);
  assert.deepEqual(broken.puts, ['key-a:range at 0', `key-b:range at ${broken.range('a').length}`]);
  for (const m of ['a', 'b']) assert.deepEqual((await broken.blob(m))?.bytes, broken.range(m));

  const failed = await recorded({ fail: true });
  assert.match(String(failed.error?.message), /the source broke/);
  assert.equal(await failed.blob('a'), undefined, 'nothing kept from a failed output');
  assert.equal(failed.before.length, 1, 'layer a was being copied when the output failed');
  assert.deepEqual(failed.left, [], 'and its copy is removed');
});
