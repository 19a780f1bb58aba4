#!/usr/bin/env node
// `npm run bench`: how fast and how lean streamLayeredImage / buildLayeredImage are,
// measured beside the floors of the same machine on the same files.
//
//   1. builds the synthetic closure (bench/synthetic.nix: ~40 store paths,
//      BENCH_SIZE_MB = 1300 by default) and reads every file once (page cache);
//   2. floors: one `sha256sum` pass over all files (and one `openssl dgst -sha256`
//      pass, the SHA-NI speed Node and Python hash at); `gzip -6` and `zstd -3` on one
//      core over a sample (BENCH_SAMPLE_MB = 200, an even spread of 1 MiB blocks),
//      scaled to the closure;
//   3. the Python reference (bench/py_streamer.py, nixpkgs' algorithm) to /dev/null,
//      and through `pigz -nT`;
//   4. our CLI: streamLayeredImage to /dev/null, buildLayeredImage gz and zstd (layer
//      cache off: first builds); then checks that its store layers are byte-identical
//      to the reference's;
//   5. threads: streamLayeredImage at NIX_DOCKER_HASH_THREADS = 0, 1, 2, interleaved,
//      max(3, --runs) rounds (best and median);
//   6. warm (issue 6): cold build gz with an empty --cache-dir, rebuild after one store
//      path changed (BENCH_BUMP, default app-assets), cold push, warm push of the
//      changed image, against a local docker-registry (bench/push.mjs);
//   7. push (issue 4): our push cold and unchanged beside `skopeo copy
//      docker-archive:... docker://...` cold and unchanged, same registry.
//
// Every figure is wall time and peak RSS: GNU time's %M (the largest single
// process) and a sampled sum over the process tree (pipelines, helpers). The
// "others" column is CPU used by processes outside the measured tree while it ran
// (in cores; this machine has 2): above ~0.2 the figure is noisy. Each run first
// waits (up to BENCH_QUIET_S = 20 s) for the machine to be idle.
//
// Prints a table and exits 0: figures, not assertions.
//
//   node bench/layered.mjs [--only floors,python,cli,threads,warm,push] [--runs N] [--json] [--no-check]
//
// Environment: BENCH_SIZE_MB (1300), BENCH_SAMPLE_MB (200), BENCH_QUIET_S (20),
// BENCH_BUMP (app-assets), BENCH_CLI (dist/cli/index.js), BENCH_DIR (/tmp/nix-docker-bench: plan, result links,
// sample, outputs, caches, registry storage, logs).

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBumped, buildClosure, listFiles, referenceLayers, warm, writeSample } from './closure.mjs';
import { best, keepBest, log, measure, once } from './measure.mjs';
import { pushGroup, warmGroup } from './push.mjs';
import { table, TARGETS } from './report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
// The CLI entry: the ncc bundle that ships (default), or BENCH_CLI=src/cli/index.ts for the
// TypeScript source (Node's type stripping costs ~0.3 s and ~40 MB RSS at start).
const CLI = resolve(ROOT, process.env.BENCH_CLI ?? 'dist/cli/index.js');
const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1300);
const SAMPLE_MB = Number(process.env.BENCH_SAMPLE_MB ?? 200);
const DIR = process.env.BENCH_DIR ?? '/tmp/nix-docker-bench';
const BUMP = process.env.BENCH_BUMP ?? 'app-assets';
const GROUPS = ['floors', 'python', 'cli', 'threads', 'warm', 'push'];
const LOGS = join(DIR, 'logs');
const MB = 1e6;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { only: new Set(GROUPS), runs: 1, json: false, check: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a.startsWith('--only')) {
      opts.only = new Set(value().split(','));
      for (const g of opts.only) if (!GROUPS.includes(g)) throw new Error(`--only: unknown group '${g}' (${GROUPS.join(', ')})`);
    } else if (a.startsWith('--runs')) opts.runs = Math.max(1, Number(value()) | 0);
    else if (a === '--json') opts.json = true;
    else if (a === '--no-check') opts.check = false;
    else if (a === '--help' || a === '-h') {
      const text = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
      const header = text.slice(0, text.findIndex((l) => !l.startsWith('//')));
      process.stdout.write(header.map((l) => l.slice(3)).join('\n') + '\n');
      process.exit(0);
    } else throw new Error(`unknown argument '${a}'`);
  }
  return opts;
}

function pythonExe() {
  // pyenv and similar shims start a shell per call; time the interpreter itself.
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'python3';
}

// The compression levels the engine uses, from its source (fallback: the values when
// this was written).
async function engineLevels() {
  try {
    const m = await import(join(ROOT, 'src/compress/index.ts'));
    if (m.DEFAULT_LEVEL?.gz && m.DEFAULT_LEVEL?.zstd) return m.DEFAULT_LEVEL;
  } catch {}
  return { gz: 3, zstd: 1 };
}

function cliReady() {
  const r = spawnSync(process.execPath, [CLI, 'streamLayeredImage', '--help'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? null : (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ');
}

// ---------------------------------------------------------------- checking

// Our store layers against the reference: read the zstd archive's config, take each
// layer whose history says "store paths: [...]", and compare its diff_id with the
// Python reference's tar of the same paths.
function checkLayers(archive, py) {
  const dir = join(DIR, 'check');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const x = spawnSync('/bin/sh', ['-c', `zstd -dcq ${JSON.stringify(archive)} | tar -x -C ${JSON.stringify(dir)} --wildcards 'manifest.json' '*.json'`], { encoding: 'utf8' });
  if (x.status !== 0) return { error: `could not read the archive: ${x.stderr.trim()}` };
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(dir, manifest[0].Config), 'utf8'));
  const layers = [];
  config.history.forEach((h, i) => {
    const m = /^store paths: \[(.*)\]$/s.exec(h.comment ?? '');
    if (m && m[1].startsWith("'/nix/store/")) layers.push({ diffId: config.rootfs.diff_ids[i], paths: [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]) });
  });
  if (layers.length === 0) return { error: 'no layer history says "store paths: [...]"' };
  const layersFile = join(dir, 'layers.json');
  writeFileSync(layersFile, JSON.stringify(layers.map((l) => l.paths)));
  const ref = spawnSync(py, [join(BENCH, 'py_streamer.py'), '--digests', layersFile], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (ref.status !== 0) return { error: `py_streamer --digests failed: ${ref.stderr.trim()}` };
  const want = ref.stdout.trim().split('\n').map((l) => l.split(' ')[0]);
  const bad = layers.filter((l, i) => l.diffId !== want[i]).map((l) => l.paths.map((p) => p.slice(44)).join(','));
  rmSync(dir, { recursive: true, force: true });
  return { layers: layers.length, matching: layers.length - bad.length, bad };
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const start = performance.now();
  const cores = cpus().length;
  const c = buildClosure({ dir: DIR, sizeMB: SIZE_MB, log });
  log(`closure: ${c.closure.length} store paths, ${(c.bytes / MB).toFixed(1)} MB, ${c.files.length} files; warming the page cache ...`);
  warm(c.files);
  const filesList = join(DIR, 'files0');
  writeFileSync(filesList, c.files.join('\0') + '\0');
  const layersFile = join(DIR, 'layers.json');
  const layers = referenceLayers(c);
  writeFileSync(layersFile, JSON.stringify(layers));
  const results = [];
  const add = (key, label, m, note) => results.push({ key, label, m, note });
  const env = { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` };

  if (opts.only.has('floors')) {
    // coreutils 9.1 has no sha256sum --files0-from; xargs passes all names to one process.
    add('sha256', 'floor: sha256sum, one pass', await best('sha256sum', opts.runs, () => measure('sha256sum', ['xargs', '-0', '-a', filesList, 'sha256sum'], { logDir: LOGS })), `${c.files.length} files`);
    // coreutils' sha256sum has no SHA-NI code; OpenSSL (what Node and Python hash with)
    // does, so its pass is the stricter floor for a hashing streamer.
    if (spawnSync('openssl', ['version']).status === 0) {
      add('openssl', 'floor: openssl sha256, one pass', await best('openssl dgst -sha256', opts.runs, () => measure('openssl', ['xargs', '-0', '-a', filesList, 'openssl', 'dgst', '-sha256'], { logDir: LOGS })), 'context, not a target');
    }
    const sample = join(DIR, 'sample.bin');
    const sampleBytes = writeSample(c.files, c.bytes, SAMPLE_MB * MB, sample);
    const scale = c.bytes / sampleBytes;
    const scaled = (m) => (m.ok ? { ...m, wall: m.wall * scale, cpu: m.cpu === null ? null : m.cpu * scale } : m);
    const note = `1 core, ${(sampleBytes / MB).toFixed(0)} MB sample ×${scale.toFixed(2)}`;
    const g = await best('gzip -6', opts.runs, () => measure('gzip', ['gzip', '-6', '-c', sample], { logDir: LOGS }));
    add('gzip', 'floor: gzip -6', scaled(g), `${note}; ${(sampleBytes / MB / g.wall).toFixed(0)} MB/s`);
    const z = await best('zstd -3', opts.runs, () => measure('zstd', ['zstd', '-3', '-T1', '-q', '-c', sample], { logDir: LOGS }));
    add('zstd1', 'floor: zstd -3', scaled(z), `${note}; ${(sampleBytes / MB / z.wall).toFixed(0)} MB/s`);
    // The same floors at the levels the engine compresses at (src/compress DEFAULT_LEVEL).
    const lv = await engineLevels();
    const gl = await best(`gzip -${lv.gz}`, opts.runs, () => measure(`gzip-${lv.gz}`, ['gzip', `-${lv.gz}`, '-c', sample], { logDir: LOGS }));
    add('gzipE', `floor: gzip -${lv.gz} (engine's level)`, scaled(gl), `${note}; ${(sampleBytes / MB / gl.wall).toFixed(0)} MB/s`);
    const zl = await best(`zstd -${lv.zstd}`, opts.runs, () => measure(`zstd-${lv.zstd}`, ['zstd', `-${lv.zstd}`, '-T1', '-q', '-c', sample], { logDir: LOGS }));
    add('zstdE', `floor: zstd -${lv.zstd} (engine's level)`, scaled(zl), `${note}; ${(sampleBytes / MB / zl.wall).toFixed(0)} MB/s`);
    rmSync(sample, { force: true });
  }

  const py = pythonExe();
  if (opts.only.has('python')) {
    const pyCmd = `${JSON.stringify(py)} ${JSON.stringify(join(BENCH, 'py_streamer.py'))} ${JSON.stringify(layersFile)}`;
    add('py', 'py_streamer > /dev/null', await best('py_streamer', opts.runs, () => measure('py_streamer', [py, join(BENCH, 'py_streamer.py'), layersFile], { logDir: LOGS })), `${layers.length} layers`);
    add('py-pigz', 'py_streamer | pigz -nT', await best('py_streamer | pigz', opts.runs, () => measure('py_streamer-pigz', `${pyCmd} | pigz -nT`, { logDir: LOGS, shell: true })), `pigz on ${cores} threads`);
  }

  let cliNote = null;
  let check = null;
  if (opts.only.has('cli')) {
    const notReady = cliReady();
    if (notReady) {
      cliNote = `CLI not ready (streamLayeredImage --help failed: ${notReady}); engine runs are wired but unmeasured.`;
      for (const [k, l] of [['stream', 'nix-docker stream > /dev/null'], ['gz', 'nix-docker build gz'], ['zstd', 'nix-docker build zstd']]) add(k, l, null, 'CLI not ready');
    } else {
      const contents = c.roots.flatMap((r) => ['--contents', r]);
      const base = [process.execPath, CLI];
      const cliRun = async (key, label, fn, extra, out) => {
        const m = await best(label, opts.runs, async () => {
          const work = join(DIR, `work-${key}`);
          rmSync(work, { recursive: true, force: true });
          mkdirSync(work);
          if (out) rmSync(out, { force: true });
          // --no-cache: first builds. The layer cache (default $XDG_CACHE_HOME/nix-docker)
          // would keep the gz/zstd layers of one run and serve them to the next.
          const r = await measure(label, [...base, fn, '--name', 'bench', '--tag', 'latest', ...contents, '--no-cache', '--work-dir', work, ...extra], { logDir: LOGS, env });
          rmSync(work, { recursive: true, force: true });
          return r;
        });
        const size = out && existsSync(out) ? lstatSync(out).size : null;
        add(key, label, m, size === null ? (key === 'stream' ? 'to /dev/null' : '') : `${(size / MB).toFixed(0)} MB written`);
      };
      const gzOut = join(DIR, 'bench.tar.gz');
      const zstOut = join(DIR, 'bench.tar.zst');
      await cliRun('stream', 'nix-docker streamLayeredImage > /dev/null', 'streamLayeredImage', []);
      await cliRun('gz', 'nix-docker buildLayeredImage gz', 'buildLayeredImage', ['--compressor', 'gz', '--out', gzOut], gzOut);
      await cliRun('zstd', 'nix-docker buildLayeredImage zstd', 'buildLayeredImage', ['--compressor', 'zstd', '--out', zstOut], zstOut);
      if (opts.check && existsSync(zstOut)) {
        log('checking our store layers against py_streamer --digests ...');
        check = checkLayers(zstOut, py);
      }
      rmSync(gzOut, { force: true });
      rmSync(zstOut, { force: true });
    }
  }

  const cliArgv = [process.execPath, CLI];
  const contentsOf = (roots) => roots.flatMap((r) => ['--contents', r]);
  let threads = null;
  if (opts.only.has('threads')) {
    // Hashing on worker threads (src/util/hashPool.ts) at 0, 1, 2 threads: interleaved
    // rounds, so a busy spell on the machine hits every setting alike.
    const rounds = Math.max(3, opts.runs);
    const settings = [0, 1, 2];
    const keep = new Map();
    const work = join(DIR, 'work-threads');
    for (let i = 0; i < rounds; i++) {
      for (const t of settings) {
        const label = `nix-docker stream, ${t} hash thread${t === 1 ? '' : 's'}`;
        const m = await once(`${label} (round ${i + 1}/${rounds})`, async () => {
          rmSync(work, { recursive: true, force: true });
          mkdirSync(work);
          const r = await measure(label, [...cliArgv, 'streamLayeredImage', '--name', 'bench', '--tag', 'latest', ...contentsOf(c.roots), '--no-cache', '--work-dir', work], {
            logDir: LOGS,
            env: { ...env, NIX_DOCKER_HASH_THREADS: String(t) },
          });
          rmSync(work, { recursive: true, force: true });
          return r;
        });
        keep.set(t, keepBest(keep.get(t), m));
      }
    }
    const median = (xs) => {
      const v = [...xs].sort((a, b) => a - b);
      return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    };
    threads = { rounds, settings: {} };
    for (const t of settings) {
      const m = keep.get(t);
      const walls = m?.walls ?? [];
      threads.settings[t] = { best: m?.ok ? m.wall : null, median: walls.length ? median(walls) : null, walls, cpu: m?.cpu ?? null, rssMB: m?.rssMB ?? null };
      add(`threads${t}`, `nix-docker stream, NIX_DOCKER_HASH_THREADS=${t}`, m, walls.length ? `median ${median(walls).toFixed(2)} of ${walls.length}: ${walls.map((w) => w.toFixed(2)).join(' ')}` : '');
    }
  }

  let warmEv = null;
  let pushEv = null;
  let keepCache = null;
  if (opts.only.has('warm') || opts.only.has('push')) {
    const r = spawnSync('docker-registry', ['--version'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('docker-registry is not installed: the warm and push groups need a local registry');
  }
  if (opts.only.has('warm')) {
    const bumped = buildBumped({ dir: DIR, base: c, bump: BUMP, log });
    log(`'${BUMP}' changed: ${bumped.changed.length} store path(s) differ (${bumped.changed.map((p) => p.slice(44)).join(', ')}); warming them ...`);
    warm(bumped.changed.flatMap((p) => listFiles(p)));
    const g = await warmGroup({ base: c, bumped, bump: BUMP, runs: opts.runs, dir: DIR, logDir: LOGS, env, cliArgv, add });
    warmEv = g.evidence;
    keepCache = g.keepCache;
  }
  if (opts.only.has('push')) {
    const g = await pushGroup({ base: c, runs: opts.runs, dir: DIR, logDir: LOGS, env, cliArgv, add, primedCache: keepCache });
    pushEv = g.evidence;
  }
  if (keepCache) rmSync(keepCache, { recursive: true, force: true });

  const ctx = {
    closure: { paths: c.closure.length, bytes: c.bytes, files: c.files.length, entries: c.entries, buildSeconds: c.buildSeconds },
    cores,
    groups: opts.only,
    runs: opts.runs,
    check,
    cliNote,
    levels: await engineLevels(),
    cli: relative(ROOT, CLI),
    threads,
    warm: warmEv,
    push: pushEv,
    elapsed: (performance.now() - start) / 1000,
    logDir: LOGS,
  };
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...ctx, groups: [...ctx.groups], sizeMB: SIZE_MB, sampleMB: SAMPLE_MB, targets: TARGETS, results }, null, 2) + '\n');
  } else {
    process.stdout.write(table(results, ctx));
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
