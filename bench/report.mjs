// The report: the measurements as a table, then each target of the issue as a ratio
// with its verdict, then context ratios (floors on all cores, the issue's figures).

const MB = 1e6;

// The issue's targets, and the figures it measured for nixpkgs' own streamer.
export const TARGETS = { streamVsSha: 2.5, streamVsPy: 1 / 3, gzVsPigz: 0.6, zstdVsPigz: 0.15, rssMB: 250 };
const ISSUE = { bytes: 1.31e9, py: 6.0, pyPigz: 23 };

const fmtS = (x) => (x === null || x === undefined ? '—' : x.toFixed(2));
const fmtMB = (x) => (x === null || x === undefined ? '—' : x.toFixed(0));
const ratio = (a, b) => (a && b ? a / b : null);

/** The printed report: one row per measured command, then the issue's ratios. */
export function table(results, ctx) {
  const lines = [];
  const { closure } = ctx;
  lines.push('');
  lines.push(
    `Synthetic closure: ${closure.paths} store paths, ${(closure.bytes / MB).toFixed(1)} MB in ${closure.files} files ` +
      `(${closure.entries} entries); nix-build ${closure.buildSeconds.toFixed(1)} s; ${ctx.cores} cores; runs per figure: ${ctx.runs} (best wall kept)`,
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
    [r.note, r.m?.busyBefore ? `machine busy before (${r.m.busyBefore.toFixed(1)} cores)` : ''].filter(Boolean).join('; '),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const fmt = (row) => row.map((c, i) => (i === 0 || i === row.length - 1 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ').trimEnd();
  lines.push(fmt(head));
  lines.push(w.map((n) => '-'.repeat(n)).join('  '));
  for (const row of rows) lines.push(fmt(row));
  lines.push('');
  lines.push('RSS MB: largest single process (GNU time %M); tree MB: sampled sum over the process tree;');
  lines.push('others: CPU (in cores) used outside the measured processes while they ran.');

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
  t.push(['', '', '', '']);
  const cores = ctx.cores;
  row(`gz / gzip -6 floor on ${cores} cores`, ratio(gz, gzip1 && gzip1 / cores), null, '≤', '×', ['cli', 'floors']);
  row(`zstd / zstd -3 floor on ${cores} cores`, ratio(zstd, zstd1 && zstd1 / cores), null, '≤', '×', ['cli', 'floors']);
  row('stream / openssl sha256 floor', ratio(stream, ossl), null, '≤', '×', ['cli', 'floors']);
  row('py_streamer / sha256 floor', ratio(py, sha), null, '≤', '×', ['python', 'floors']);
  row(`py_streamer | pigz / gzip -6 floor on ${cores} cores`, ratio(pyPigz, gzip1 && gzip1 / cores), null, '≤', '×', ['python', 'floors']);
  const scale = closure.bytes / ISSUE.bytes;
  row(`py_streamer / issue's nixpkgs figure (${(ISSUE.py * scale).toFixed(1)} s at this size)`, ratio(py, ISSUE.py * scale), null, '≤', '×', ['python']);
  row(`py | pigz / issue's figure (${(ISSUE.pyPigz * scale).toFixed(1)} s at this size)`, ratio(pyPigz, ISSUE.pyPigz * scale), null, '≤', '×', ['python']);
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
  if (ctx.cliNote) lines.push('', ctx.cliNote);
  lines.push('', `Bench run took ${ctx.elapsed.toFixed(0)} s. Logs: ${ctx.logDir}`);
  return lines.join('\n') + '\n';
}
