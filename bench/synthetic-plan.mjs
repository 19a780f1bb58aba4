#!/usr/bin/env node
// Plans the synthetic closure that bench/synthetic.nix builds: ~40 store paths
// (BENCH_SIZE_MB, default 1300 MB) filled with copies of the host's shared
// libraries, wired into a reference graph shaped like a real application closure.
//
// The plan is data only: which host files each store path copies (and under
// which name), and which other store paths it refers to. synthetic.nix turns it
// into derivations. Everything is deterministic for a given host: libraries are
// taken in sorted-name order and cycled (a second pass copies them again under
// `<name>.r1`, ...) until the size is reached.
//
// Usage: node bench/synthetic-plan.mjs [--size-mb N] [--lib-dir D] > plan.json
//        (or import { makePlan } from './synthetic-plan.mjs')

import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_LIB_DIR = '/usr/lib/x86_64-linux-gnu';

// The reference graph. `mb` is the share of the closure at the default 1300 MB
// (scaled to the requested size); `refs` are real Nix references.
//
// - four popular leaves (libc-like: nearly everything refers to them),
// - 28 mid-level libraries, each on 1-3 leaves and 0-2 earlier libraries,
// - four "upper" bundles (toolchain, runtime, ...) on many libraries,
// - two top-level apps, a config file store path (a regular file, not a
//   directory) and an assets leaf that nothing refers to: it is a closure root
//   of its own, so bumping it (synthetic.nix `bump`) changes exactly one path.
const LEAVES = [
  ['glibc-2.37', 40],
  ['zlib-1.3.1', 2],
  ['openssl-3.0.13', 14],
  ['gcc-13.2.0-lib', 10],
];
const MIDS = [
  ['ncurses-6.4', 6], ['readline-8.2', 3], ['xz-5.4.6', 4], ['bzip2-1.0.8', 2],
  ['zstd-1.5.5', 5], ['libffi-3.4.6', 2], ['expat-2.6.2', 3], ['pcre2-10.43', 7],
  ['sqlite-3.45.1', 14], ['libxml2-2.12.5', 18], ['icu4c-74.2', 62], ['gmp-6.3.0', 9],
  ['mpfr-4.2.1', 6], ['nettle-3.9.1', 8], ['libidn2-2.3.7', 5], ['gnutls-3.8.4', 24],
  ['nghttp2-1.60.0', 5], ['libssh2-1.11.0', 6], ['krb5-1.21.2', 20], ['curl-8.6.0', 16],
  ['brotli-1.1.0', 8], ['libpng-1.6.43', 6], ['freetype-2.13.2', 12], ['boost-1.83.0', 120],
  ['protobuf-25.3', 38], ['perl-5.38.2', 80], ['python3-3.11.8', 150], ['llvm-17.0.6', 300],
];
const UPPERS = [
  ['llvm-toolchain', 36],
  ['python3-env', 44],
  ['runtime-libs', 30],
  ['webstack', 40],
];
const APPS = [
  ['app-server', 45],
  ['app-cli', 20],
];
const ASSETS = ['app-assets', 60];
const CONFIG = 'app-config.json';

// Deterministic references: a small linear-congruential sequence, fixed seed.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick(rand, list, n) {
  const pool = [...list];
  const out = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out.sort();
}

export function makeGraph() {
  const rand = rng(1300);
  const leafNames = LEAVES.map(([n]) => n);
  const nodes = [];
  for (const [name, mb] of LEAVES) nodes.push({ name, mb, kind: 'lib', refs: name === 'glibc-2.37' ? [] : ['glibc-2.37'] });
  // Leaves still refer to glibc (as real ones do) except glibc itself; popularity
  // counts reach, so glibc, then the other leaves, stay the most popular paths.
  const midNames = [];
  for (const [name, mb] of MIDS) {
    const refs = new Set(['glibc-2.37', ...pick(rand, leafNames.slice(1), 1 + Math.floor(rand() * 2))]);
    for (const r of pick(rand, midNames, Math.floor(rand() * 3))) refs.add(r);
    nodes.push({ name, mb, kind: 'lib', refs: [...refs].sort() });
    midNames.push(name);
  }
  const upperNames = [];
  for (const [name, mb] of UPPERS) {
    const refs = new Set([...leafNames, ...pick(rand, midNames, 5 + Math.floor(rand() * 5))]);
    nodes.push({ name, mb, kind: 'bundle', refs: [...refs].sort() });
    upperNames.push(name);
  }
  nodes.push({ name: CONFIG, mb: 0, kind: 'file', refs: [] });
  nodes.push({ name: ASSETS[0], mb: ASSETS[1], kind: 'data', refs: [] });
  nodes.push({
    name: APPS[0][0], mb: APPS[0][1], kind: 'app',
    refs: [...new Set([...leafNames, ...upperNames.slice(0, 3), ...pick(rand, midNames, 6), CONFIG])].sort(),
  });
  nodes.push({
    name: APPS[1][0], mb: APPS[1][1], kind: 'app',
    refs: [...new Set(['glibc-2.37', 'zlib-1.3.1', upperNames[3], ...pick(rand, midNames, 4)])].sort(),
  });
  const roots = [APPS[0][0], APPS[1][0], ASSETS[0]];
  // Every library must be in the closure: hand any that no root reaches to the
  // bundles, in turn.
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const reached = new Set();
  const visit = (name) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const r of byName.get(name).refs) visit(r);
  };
  roots.forEach(visit);
  let turn = 0;
  for (const name of midNames) {
    if (reached.has(name)) continue;
    const bundle = byName.get(upperNames[turn++ % upperNames.length]);
    bundle.refs = [...bundle.refs, name].sort();
    visit(name);
  }
  return { nodes, roots };
}

// Regular files named *.so* directly in libDir (symlinks skipped), sorted by name.
export function hostLibraries(libDir = DEFAULT_LIB_DIR) {
  const files = [];
  for (const name of readdirSync(libDir).sort()) {
    if (!/\.so(\.|$)/.test(name)) continue;
    const st = lstatSync(join(libDir, name), { throwIfNoEntry: false });
    if (!st || !st.isFile() || st.size === 0) continue;
    files.push({ name, size: st.size });
  }
  return files;
}

// Fill the graph's nodes with host files. The files are the host libraries in
// sorted-name order, visited in as many passes as the size needs (copy r > 0 is
// named `<name>.r<r>`), each pass taking an even byte-proportional spread of the
// list; files over 1/8 of the closure are left out so small closures still have
// many files. They are then dealt largest first to the node furthest below its
// share (ties: earlier node), so sizes land close to the shares above.
export function makePlan({ sizeMB = 1300, libDir = DEFAULT_LIB_DIR } = {}) {
  const total = sizeMB * 1e6;
  const libs = hostLibraries(libDir).filter((l) => l.size <= total / 8);
  if (libs.length === 0) throw new Error(`no *.so* files in ${libDir}`);
  const { nodes, roots } = makeGraph();
  const ratio = total / libs.reduce((s, l) => s + l.size, 0);
  const passes = Math.ceil(ratio);
  const pool = [];
  let bytes = 0;
  let budget = 0;
  for (let round = 0; round < passes; round++) {
    for (const lib of libs) {
      budget += (lib.size * ratio) / passes;
      if (budget < lib.size / 2) continue;
      budget -= lib.size;
      const dst = round === 0 ? lib.name : `${lib.name}.r${round}`;
      pool.push({ seq: pool.length, src: join(libDir, lib.name), dst, size: lib.size });
      bytes += lib.size;
    }
  }
  pool.sort((a, b) => b.size - a.size || a.seq - b.seq);
  const weight = nodes.reduce((s, n) => s + n.mb, 0);
  const bins = nodes.map((n) => ({ want: (n.mb / weight) * bytes, have: 0, files: [] }));
  const filled = bins.filter((_, i) => nodes[i].mb > 0);
  for (const f of pool) {
    let best = filled[0];
    for (const b of filled) if (b.want - b.have > best.want - best.have) best = b;
    best.files.push(f);
    best.have += f.size;
  }
  // A node left empty (tiny sizes) takes the smallest file of the fullest node.
  for (const b of filled) {
    if (b.files.length > 0) continue;
    const donor = filled.reduce((x, y) => (y.files.length > 1 && (x.files.length < 2 || y.have > x.have) ? y : x));
    if (donor.files.length < 2) throw new Error(`BENCH_SIZE_MB=${sizeMB} is too small for ${filled.length} store paths`);
    const f = donor.files.pop();
    donor.have -= f.size;
    b.files.push(f);
    b.have += f.size;
  }
  return {
    libDir,
    sizeMB,
    bytes,
    hostLibraryBytes: hostLibraries(libDir).reduce((s, l) => s + l.size, 0),
    roots,
    nodes: nodes.map((n, i) => ({
      name: n.name,
      kind: n.kind,
      refs: n.refs,
      files: bins[i].files.sort((a, b) => a.seq - b.seq).map((f) => [f.src, f.dst, f.size]),
    })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (k, d) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : d;
  };
  const sizeMB = Number(opt('--size-mb', process.env.BENCH_SIZE_MB ?? '1300'));
  const plan = makePlan({ sizeMB, libDir: opt('--lib-dir', DEFAULT_LIB_DIR) });
  process.stdout.write(JSON.stringify(plan, null, 1) + '\n');
}
