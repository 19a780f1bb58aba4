// Reading a single-frame .tar.zst, what the `zstd` command writes (issue 16, item 3):
// the engine's decompressStream against `zstd -d` on the same file, wall time and peak
// RSS; then the CLI reading it whole (mergeImages of it, uncompressed out: decompress,
// index, check the layer's diff_id, copy). The input is a docker-archive whose one
// layer holds host files (/usr/lib, /usr/share) up to BENCH_ZSTD_MB (default 617).
//
//   node bench/zstd-read.mjs            # node: Node 24 (node_modules/.bin/node)
//
// Reports figures, asserts nothing.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(process.env.BENCH_DIR ?? '/tmp/nix-docker-bench', 'zstd-read');
const mb = Number(process.env.BENCH_ZSTD_MB ?? 617);
fs.mkdirSync(dir, { recursive: true });
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

const layer = path.join(dir, 'layer.tar');
const archive = path.join(dir, 'image.tar');
const zst = path.join(dir, `image-${mb}.tar.zst`);
if (!fs.existsSync(zst)) {
  log(`making a ${mb} MB docker-archive of host files, then zstd -3 (one frame)`);
  execFileSync('sh', ['-c', `tar cf - /usr/lib /usr/share 2>/dev/null | head -c ${mb * 1e6 - 20480} > ${layer}.raw; true`]);
  // A tar cut short is still read by tar as far as it goes; wrap its bytes as one file so the layer is a valid tar.
  execFileSync('sh', ['-c', `cd ${dir} && rm -rf l && mkdir l && mv ${layer}.raw l/data && tar --numeric-owner -cf ${layer} -C l data && rm -rf l`]);
  const diffId = `sha256:${createHash('sha256').update(fs.readFileSync(layer)).digest('hex')}`;
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } });
  const cfg = `${createHash('sha256').update(config).digest('hex')}.json`;
  fs.mkdirSync(path.join(dir, 'a/l'), { recursive: true });
  fs.renameSync(layer, path.join(dir, 'a/l/layer.tar'));
  fs.writeFileSync(path.join(dir, 'a', cfg), config);
  fs.writeFileSync(path.join(dir, 'a/manifest.json'), JSON.stringify([{ Config: cfg, RepoTags: ['bench:zstd'], Layers: ['l/layer.tar'] }]));
  execFileSync('tar', ['--numeric-owner', '-cf', archive, '-C', path.join(dir, 'a'), 'l', cfg, 'manifest.json']);
  fs.rmSync(path.join(dir, 'a'), { recursive: true });
  execFileSync('zstd', ['-q', '-3', '-T1', '--single-thread', '-f', archive, '-o', zst]);
  fs.rmSync(archive);
}
const size = fs.statSync(zst).size;

function timed(cmd, args, opts = {}) {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, peakMiB: Number(r.stderr.trim().split('\n').pop()) / 1024 };
}

const decode = `import fs from 'node:fs';
import { decompressStream } from ${JSON.stringify(path.join(root, 'src/compress/index.ts'))};
let n = 0;
for await (const c of decompressStream(fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 }), 'zstd', { compressedSize: fs.statSync(process.argv[1]).size })) n += c.length;
if (n === 0) process.exit(1);`;

const rows = [];
for (let run = 0; run < Number(process.env.BENCH_RUNS ?? 3); run++) {
  rows.push(['zstd -d -c > /dev/null', timed('sh', ['-c', `zstd -d -c ${zst} > /dev/null`])]);
  rows.push(['decompressStream (engine)', timed(process.execPath, ['--input-type=module', '-e', decode, zst])]);
  const out = path.join(dir, 'merged.tar');
  rows.push(['nix-docker mergeImages (whole CLI)', timed(process.execPath, [path.join(root, 'dist/cli/index.js'), 'mergeImages', '--images', zst, '--compressor', 'none', '--out', out], { env: { ...process.env, TMPDIR: dir } })]);
  fs.rmSync(out, { force: true });
}
const best = new Map();
for (const [name, r] of rows) {
  const b = best.get(name) ?? { s: Infinity, peakMiB: 0 };
  best.set(name, { s: Math.min(b.s, r.s), peakMiB: Math.max(b.peakMiB, r.peakMiB) });
}
console.log(`single-frame ${path.basename(zst)}: ${(size / 1e6).toFixed(0)} MB compressed, ${mb} MB plain (best wall of ${rows.length / 3}, worst peak RSS)`);
for (const [name, r] of best) console.log(`  ${name.padEnd(36)} ${r.s.toFixed(2).padStart(6)} s  ${r.peakMiB.toFixed(0).padStart(5)} MiB peak`);
