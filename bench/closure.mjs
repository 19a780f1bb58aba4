// The synthetic closure on disk: build it (bench/synthetic.nix), list its files,
// lay it out as the reference layers, warm the page cache, cut a compression sample.

import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePlan } from './synthetic-plan.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));

/** Plans and builds the closure under `dir`; lists its store paths, references and files. */
export function buildClosure({ dir, sizeMB, log }) {
  mkdirSync(dir, { recursive: true });
  const plan = makePlan({ sizeMB });
  const planFile = join(dir, `plan-${sizeMB}.json`);
  writeFileSync(planFile, JSON.stringify(plan, null, 1) + '\n');
  log(`building the synthetic closure (${sizeMB} MB) with nix-build ...`);
  const t0 = performance.now();
  const r = spawnSync('nix-build', [join(BENCH, 'synthetic.nix'), '--argstr', 'plan', planFile, '-o', join(dir, 'result')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`nix-build failed (exit ${r.status})`);
  const buildSeconds = (performance.now() - t0) / 1000;
  const roots = r.stdout.trim().split('\n');
  const closure = spawnSync('nix-store', ['-qR', ...roots], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
  const refs = new Map();
  for (const p of closure) refs.set(p, spawnSync('nix-store', ['-q', '--references', p], { encoding: 'utf8' }).stdout.trim().split('\n').filter((x) => x && x !== p));
  const files = [];
  let bytes = 0;
  let entries = 0;
  const walk = (p) => {
    const st = lstatSync(p);
    entries++;
    if (st.isFile()) {
      files.push(p);
      bytes += st.size;
    } else if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
  };
  closure.forEach(walk);
  return { roots, closure, refs, files, bytes, entries, buildSeconds, planFile };
}

/** Regular files under a store path (or the path itself), sorted. */
export function listFiles(p) {
  const st = lstatSync(p);
  if (st.isFile()) return [p];
  if (!st.isDirectory()) return [];
  return readdirSync(p).sort().flatMap((name) => listFiles(join(p, name)));
}

function pathBytes(p) {
  const st = lstatSync(p);
  if (st.isFile()) return st.size;
  if (!st.isDirectory()) return 0;
  return readdirSync(p).reduce((s, name) => s + pathBytes(join(p, name)), 0);
}

/**
 * The same closure with one store path changed (synthetic.nix `bump`): its roots and
 * which store paths differ from `base` (a closure root nothing refers to, such as
 * `app-assets`, changes alone; a referenced path drags its referrers along).
 */
export function buildBumped({ dir, base, bump, log }) {
  log(`building the closure with '${bump}' changed (nix-build --argstr bump ${bump}) ...`);
  const r = spawnSync('nix-build', [join(BENCH, 'synthetic.nix'), '--argstr', 'plan', base.planFile, '--argstr', 'bump', bump, '-o', join(dir, 'result-bump')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`nix-build --argstr bump ${bump} failed (exit ${r.status})`);
  const roots = r.stdout.trim().split('\n');
  const closure = spawnSync('nix-store', ['-qR', ...roots], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
  const old = new Set(base.closure);
  const changed = closure.filter((p) => !old.has(p));
  return { roots, closure, changed, changedBytes: changed.reduce((s, p) => s + pathBytes(p), 0) };
}

// One layer per store path, most popular first (how many closure paths reach it,
// then name), the rest sharing the last of 99 layers: the shape nixpkgs'
// popularity layering gives this closure with maxLayers = 100.
export function referenceLayers({ closure, refs }) {
  const reach = new Map(closure.map((p) => [p, 0]));
  for (const start of closure) {
    const seen = new Set();
    const stack = [start];
    while (stack.length) {
      const p = stack.pop();
      if (seen.has(p)) continue;
      seen.add(p);
      reach.set(p, reach.get(p) + 1);
      stack.push(...refs.get(p));
    }
  }
  const order = [...closure].sort((a, b) => reach.get(b) - reach.get(a) || a.slice(44).localeCompare(b.slice(44)) || a.localeCompare(b));
  const layers = order.slice(0, 98).map((p) => [p]);
  if (order.length > 98) layers.push(order.slice(98));
  return layers;
}

export function warm(files) {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const f of files) {
    const fd = openSync(f, 'r');
    while (readSync(fd, buf, 0, buf.length, null) > 0);
    closeSync(fd);
  }
}

// An even spread of 1 MiB blocks of the closure's bytes (files in sorted order).
export function writeSample(files, totalBytes, sampleBytes, out) {
  const block = 1 << 20;
  const f = Math.min(1, sampleBytes / totalBytes);
  const buf = Buffer.allocUnsafe(block);
  const fdOut = openSync(out, 'w');
  let i = 0; // block index in the concatenated stream
  let written = 0;
  for (const file of files) {
    const fd = openSync(file, 'r');
    for (;;) {
      const n = readSync(fd, buf, 0, block, null);
      if (n <= 0) break;
      // Blocks of the concatenated stream are approximated by each read (files rarely
      // end on a MiB boundary, which only shortens some blocks).
      if (Math.floor((i + 1) * f) > Math.floor(i * f)) {
        writeSync(fdOut, buf, 0, n);
        written += n;
      }
      i++;
    }
    closeSync(fd);
  }
  closeSync(fdOut);
  return written;
}
