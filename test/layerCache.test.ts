// The layer cache end to end through the CLI (local directory backend): a warm build
// does no tar or compress work for unchanged layers and writes identical bytes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
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
