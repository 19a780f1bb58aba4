// The report: the measurements as a table (one section per group), then each target
// of the issues as a ratio with its verdict, then context ratios (floors on all cores,
// the issue's figures, hash threads, push beside skopeo), then the evidence of the
// warm and push runs (what our CLI's --json and skopeo's log say they did).

const MB = 1e6;

// The issue's targets, and the figures it measured for nixpkgs' own streamer.
export const TARGETS = { streamVsSha: 2.5, streamVsPy: 1 / 3, gzVsPigz: 0.6, zstdVsPigz: 0.15, rssMB: 250, warmVsCold: 0.1 };
const ISSUE = { bytes: 1.31e9, py: 6.0, pyPigz: 23 };

const fmtS = (x) => (x === null || x === undefined ? '—' : x.toFixed(2));
const fmtMB = (x) => (x === null || x === undefined ? '—' : x.toFixed(0));
const ratio = (a, b) => (a && b ? a / b : null);

// Table sections, by result key.
const SECTIONS = [
  [(k) => ['sha256', 'openssl', 'gzip', 'zstd1', 'gzipE', 'zstdE'].includes(k), 'floors'],
  [(k) => k.startsWith('py'), 'Python reference (nixpkgs algorithm)'],
  [(k) => ['stream', 'gz', 'zstd'].includes(k), 'nix-docker, layer cache off'],
  [(k) => k.startsWith('threads'), 'hash threads: streamLayeredImage > /dev/null, best of interleaved rounds'],
  [(k) => k.startsWith('warm-'), 'issue 6: warm rebuild and warm push vs cold (local registry)'],
  [(k) => k.startsWith('push-'), 'issue 4: push vs skopeo copy (local registry)'],
];
const sectionOf = (key) => SECTIONS.find(([f]) => f(key))?.[1] ?? '';

/** The printed report: one row per measured command, then the issue's ratios. */
export function table(results, ctx) {
  const lines = [];
  const { closure } = ctx;
  lines.push('');
  lines.push(
    `Synthetic closure: ${closure.paths} store paths, ${(closure.bytes / MB).toFixed(1)} MB in ${closure.files} files ` +
      `(${closure.entries} entries); nix-build ${closure.buildSeconds.toFixed(1)} s; ${ctx.cores} cores; runs per figure: ${ctx.runs} (best wall kept)` +
      (ctx.cli ? `; CLI: ${ctx.cli}` : ''),
  );
  lines.push('');
  const head = ['', 'wall s', 'RSS MB', 'tree MB', 'CPU s', 'others', 'note'];
  const rows = results.map((r) => [
    r.label,
    r.m?.ok === false ? `exit ${r.m.code}` : fmtS(r.m?.wall),
    fmtMB(r.m?.rssMB),
    fmtMB(r.m?.treeMB),
    fmtS(r.m?.cpu),
    r.m?.others === null || r.m?.others === undefined ? '—' : r.m.others.toFixed(2),
    [
      r.note,
      r.m?.kernelCpu >= 0.5 ? `kernel threads ${r.m.kernelCpu.toFixed(1)} s CPU` : '',
      r.m?.busyBefore ? `machine busy before (${r.m.busyBefore.toFixed(1)} cores)` : '',
    ].filter(Boolean).join('; '),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const fmt = (row) => row.map((c, i) => (i === 0 || i === row.length - 1 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ').trimEnd();
  lines.push(fmt(head));
  lines.push(w.map((n) => '-'.repeat(n)).join('  '));
  let section = null;
  rows.forEach((row, i) => {
    const sec = sectionOf(results[i].key);
    if (sec !== section && results.length > 3) {
      if (section !== null) lines.push('');
      lines.push(`[${sec}]`);
      section = sec;
    }
    lines.push(fmt(row));
  });
  lines.push('');
  lines.push('RSS MB: largest single process (GNU time %M); tree MB: sampled sum over the process tree;');
  lines.push('others: CPU (in cores) used by other processes while they ran (not the registry, not kernel threads).');

  const get = (k) => results.find((r) => r.key === k)?.m;
  const wallOf = (k) => (get(k)?.ok ? get(k).wall : null);
  const sha = wallOf('sha256');
  const ossl = wallOf('openssl');
  const py = wallOf('py');
  const pyPigz = wallOf('py-pigz');
  const stream = wallOf('stream');
  const gz = wallOf('gz');
  const zstd = wallOf('zstd');
  const gzip1 = wallOf('gzip');
  const zstd1 = wallOf('zstd1');
  const gzipE = wallOf('gzipE');
  const zstdE = wallOf('zstdE');
  const lv = ctx.levels ?? { gz: '?', zstd: '?' };
  const t = [];
  // Rows whose figures belong to groups left out by --only are not printed.
  const row = (name, v, target, cmp = '≤', unit = '×', needs = []) => {
    if (!needs.every((g) => ctx.groups.has(g))) return;
    const digits = unit === '×' ? 2 : 0;
    const val = v === null ? 'not measured' : `${v.toFixed(digits)}${unit}`;
    const verdict = v === null || target === null ? '' : (cmp === '≤' ? v <= target : v < target) ? 'ok' : 'MISSED';
    t.push([name, val, target === null ? '' : `(target ${cmp} ${target.toFixed(digits)}${unit})`, verdict]);
  };
  row('stream / sha256 floor', ratio(stream, sha), TARGETS.streamVsSha, '≤', '×', ['cli', 'floors']);
  row('stream / py_streamer', ratio(stream, py), TARGETS.streamVsPy, '≤', '×', ['cli', 'python']);
  row('gz / (py_streamer | pigz)', ratio(gz, pyPigz), TARGETS.gzVsPigz, '≤', '×', ['cli', 'python']);
  row('zstd / (py_streamer | pigz)', ratio(zstd, pyPigz), TARGETS.zstdVsPigz, '≤', '×', ['cli', 'python']);
  for (const k of ['stream', 'gz', 'zstd']) {
    const m = get(k);
    const peak = m?.ok ? Math.max(m.rssMB ?? 0, m.treeMB ?? 0) : null;
    row(`peak RSS ${k} (max of RSS, tree)`, peak, TARGETS.rssMB, '<', ' MB', ['cli']);
  }
  row('warm rebuild / cold build (gz)', ratio(wallOf('warm-rebuild'), wallOf('warm-cold-build')), TARGETS.warmVsCold, '≤', '×', ['warm']);
  row('warm push / cold push', ratio(wallOf('warm-push'), wallOf('warm-cold-push')), TARGETS.warmVsCold, '≤', '×', ['warm']);
  t.push(['', '', '', '']);
  const cores = ctx.cores;
  row(`gz / gzip -${lv.gz} floor on ${cores} cores (engine's level)`, ratio(gz, gzipE && gzipE / cores), null, '≤', '×', ['cli', 'floors']);
  row(`zstd / zstd -${lv.zstd} floor on ${cores} cores (engine's level)`, ratio(zstd, zstdE && zstdE / cores), null, '≤', '×', ['cli', 'floors']);
  row(`gz / gzip -6 floor on ${cores} cores (pigz's level)`, ratio(gz, gzip1 && gzip1 / cores), null, '≤', '×', ['cli', 'floors']);
  row(`zstd / zstd -3 floor on ${cores} cores`, ratio(zstd, zstd1 && zstd1 / cores), null, '≤', '×', ['cli', 'floors']);
  row('stream / openssl sha256 floor', ratio(stream, ossl), null, '≤', '×', ['cli', 'floors']);
  row('py_streamer / sha256 floor', ratio(py, sha), null, '≤', '×', ['python', 'floors']);
  row(`py_streamer | pigz / gzip -6 floor on ${cores} cores`, ratio(pyPigz, gzip1 && gzip1 / cores), null, '≤', '×', ['python', 'floors']);
  const scale = closure.bytes / ISSUE.bytes;
  row(`py_streamer / issue's nixpkgs figure (${(ISSUE.py * scale).toFixed(1)} s at this size)`, ratio(py, ISSUE.py * scale), null, '≤', '×', ['python']);
  row(`py | pigz / issue's figure (${(ISSUE.pyPigz * scale).toFixed(1)} s at this size)`, ratio(pyPigz, ISSUE.pyPigz * scale), null, '≤', '×', ['python']);
  if (ctx.threads) {
    const th = ctx.threads.settings;
    for (const n of [1, 2]) {
      row(`stream ${n} hash thread${n > 1 ? 's' : ''} / 0 threads, best of ${ctx.threads.rounds}`, ratio(th[n]?.best, th[0]?.best), null, '≤', '×', ['threads']);
      // Round by round (the settings ran back to back), so a busy spell cancels out.
      const pairs = (th[n]?.walls ?? []).map((w, i) => ratio(w, th[0]?.walls?.[i])).filter((x) => x !== null).sort((x, y) => x - y);
      const med = pairs.length ? (pairs.length % 2 ? pairs[(pairs.length - 1) / 2] : (pairs[pairs.length / 2 - 1] + pairs[pairs.length / 2]) / 2) : null;
      row(`stream ${n} hash thread${n > 1 ? 's' : ''} / 0 threads, median of ${pairs.length} rounds' ratios`, med, null, '≤', '×', ['threads']);
    }
  }
  row('warm rebuild / nix-docker gz with the cache off', ratio(wallOf('warm-rebuild'), gz), null, '≤', '×', ['warm', 'cli']);
  row('floor: cat archive > file / cold build', ratio(wallOf('warm-copy'), wallOf('warm-cold-build')), null, '≤', '×', ['warm']);
  // Each run's rebuild and copy against the cold build of the same run: how much of the
  // spread is the machine's (writing a new file costs from 0.1 to 1.2 s on these VMs).
  const runByRun = (k) => (get(k)?.walls ?? []).map((w, i) => ratio(w, get('warm-cold-build')?.walls?.[i])).filter((x) => x !== null);
  for (const [k, name] of [['warm-rebuild', 'warm rebuild'], ['warm-copy', 'floor: cat archive > file']]) {
    const rs = ctx.groups.has('warm') ? runByRun(k) : [];
    if (rs.length > 1) t.push([`${name} / cold build, run by run`, rs.map((x) => `${x.toFixed(3)}×`).join(' '), '', '']);
  }
  row('cold build, empty cache / gz with the cache off', ratio(wallOf('warm-cold-build'), gz), null, '≤', '×', ['warm', 'cli']);
  row('push: nix-docker cold / skopeo cold', ratio(wallOf('push-ours-cold'), wallOf('push-skopeo-cold')), null, '≤', '×', ['push']);
  row('push: nix-docker unchanged, same cache / skopeo unchanged', ratio(wallOf('push-ours-again'), wallOf('push-skopeo-again')), null, '≤', '×', ['push']);
  row('push: nix-docker unchanged, cache from a build / skopeo unchanged', ratio(wallOf('push-ours-primed'), wallOf('push-skopeo-again')), null, '≤', '×', ['push']);
  while (t.length && t[0][0] === '') t.shift();
  while (t.length && t[t.length - 1][0] === '') t.pop();
  lines.push('');
  if (t.length) lines.push('Targets (issue), then context');
  const tw = [0, 1, 2].map((i) => Math.max(...t.map((r) => r[i].length)));
  for (const r of t) lines.push(r[0] === '' ? '' : `  ${r[0].padEnd(tw[0])}  = ${r[1].padStart(tw[1])}  ${r[2].padEnd(tw[2])}  ${r[3]}`.trimEnd());
  if (ctx.check) {
    lines.push('');
    lines.push(
      ctx.check.error
        ? `Layer check: ${ctx.check.error}`
        : `Layer check: ${ctx.check.matching}/${ctx.check.layers} store layers byte-identical to py_streamer's` +
            (ctx.check.bad.length ? ` (differ: ${ctx.check.bad.slice(0, 5).join('; ')}${ctx.check.bad.length > 5 ? '; ...' : ''})` : ''),
    );
  }
  if (ctx.push) lines.push('', ...sideBySide(get));
  if (ctx.warm || ctx.push) lines.push('', ...evidenceLines(ctx));
  if (ctx.cliNote) lines.push('', ctx.cliNote);
  lines.push('', `Bench run took ${ctx.elapsed.toFixed(0)} s. Logs: ${ctx.logDir}`);
  return lines.join('\n') + '\n';
}

const peakOf = (m) => (m?.ok ? Math.max(m.rssMB ?? 0, m.treeMB ?? 0) : null);

// Issue 4's comparison: wall and peak memory of both tools, cold and unchanged.
function sideBySide(get) {
  const cell = (m) => (m?.ok ? `${fmtS(m.wall)} s, ${fmtMB(peakOf(m))} MB` : m ? `exit ${m.code}` : '—');
  const rows = [
    ['cold (fresh repository)', get('push-ours-cold'), get('push-skopeo-cold')],
    ['unchanged (again, same cache dir)', get('push-ours-again'), get('push-skopeo-again')],
    ['unchanged, cache from a build', get('push-ours-primed'), get('push-skopeo-again')],
  ];
  const head = ['Push beside skopeo (issue 4)', 'nix-docker wall, peak RSS', 'skopeo wall, peak RSS', 'ratio'];
  const body = rows.map(([name, a, b]) => [name, cell(a), cell(b), a?.ok && b?.ok ? `${(a.wall / b.wall).toFixed(2)}×` : '—']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [fmt(head), ...body.map(fmt), 'peak RSS: max of the largest process and the process tree; skopeo reads the plain docker-archive, nix-docker the store.'];
}

function evidenceLines(ctx) {
  const out = ['Evidence'];
  const ours = (e) => {
    if (!e) return 'no --json report';
    const parts = [];
    if (e.layers) parts.push(`produced ${e.produced}/${e.layers} layers (${e.cachedLayers} from the cache)`);
    if (e.uploaded !== null) parts.push(`pushed ${e.pushedLayers} layers + config: uploaded ${e.uploaded}, skipped ${e.skipped}, mounted ${e.mounted}`);
    if (e.cache) parts.push(`cache hits ${e.cache.hits}, misses ${e.cache.misses}, puts ${e.cache.puts}`);
    if (e.note) parts.push(e.note);
    return parts.join('; ');
  };
  const list = [];
  if (ctx.warm) {
    const w = ctx.warm;
    list.push([`changed: ${w.bump}`, `${w.changed.length} store path(s), ${(w.changedBytes / MB).toFixed(0)} MB: ${w.changed.map((p) => p.slice(44)).join(', ')}`]);
    list.push(['warm: cold build', ours(w['warm-cold-build'])]);
    list.push(['warm: rebuild', ours(w['warm-rebuild'])]);
    list.push(['warm: cold push', ours(w['warm-cold-push'])]);
    list.push(['warm: push changed', ours(w['warm-push'])]);
  }
  if (ctx.push) {
    const p = ctx.push;
    const sk = (e) => (e ? `blob uploads (POST) ${e.uploaded}, blobs skipped (already present) ${e.skipped}, blob HEADs ${e.heads}` : 'no log');
    list.push(['push: nix-docker cold', ours(p['push-ours-cold'])]);
    list.push(['push: nix-docker unchanged', ours(p['push-ours-again'])]);
    list.push(['push: nix-docker, build cache', ours(p['push-ours-primed'])]);
    list.push(['push: skopeo cold', sk(p['push-skopeo-cold'])]);
    list.push(['push: skopeo unchanged', sk(p['push-skopeo-again'])]);
    const size = (s) => (s ? `${(s.bytes / MB).toFixed(1)} MB (${s.mediaType?.split('.').pop()})` : '—');
    if (p.sizes) list.push(['pushed layer bytes', `nix-docker ${size(p.sizes.ours)}, skopeo ${size(p.sizes.skopeo)}`]);
  }
  const w = Math.max(...list.map((r) => r[0].length));
  for (const [k, v] of list) out.push(`  ${k.padEnd(w)}  ${v}`);
  return out;
}
