// Measuring one command: wall time (from here), peak RSS of its largest process and
// its CPU time (GNU time, when there), the peak RSS of its whole process tree
// (sampled from /proc every 50 ms), and the CPU other processes took meanwhile.
// Processes the command talks to (a local registry) can be named as `side`: their CPU
// is reported on its own and left out of "others". So is the CPU of kernel threads
// (writeback of the files the command writes, loopback network): `kernelCpu`.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MB = 1e6;
export const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

function cpuTicks() {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = v;
  return { busy: user + nice + system + irq + softirq, steal, all: v.slice(0, 8).reduce((s, x) => s + (x || 0), 0) };
}

// Sum of RSS over `rootPid` and its descendants, from /proc.
function treeRss(rootPid) {
  const parent = new Map();
  const rss = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(name), Number(f[1]));
    rss.set(Number(name), Number(f[21]) * 4096);
  }
  let sum = 0;
  for (const [pid, r] of rss) {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) {
      if (p === rootPid) {
        sum += r;
        break;
      }
    }
  }
  return sum;
}

// CPU seconds (user + system) a process has used so far; 0 once it is gone.
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

// CPU seconds used so far by all kernel threads (kthreadd and its children).
function kernelThreadsCpu() {
  let sum = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (name === '2' || f[1] === '2') sum += (Number(f[11]) + Number(f[12])) / 100;
    } catch {}
  }
  return sum;
}

/**
 * Runs `argv` (a shell pipeline when `shell`), stdout to `stdout` (a path, default
 * /dev/null), stderr to a log in `logDir`. Returns { wall, rssMB, treeMB, cpu, others,
 * sideCpu, kernelCpu, steal, ok, code, logFile }: seconds, MB, cores. `side`: pids of
 * servers the command uses (their CPU seconds come back as `sideCpu`); kernel threads'
 * CPU is `kernelCpu`; neither is in `others`.
 */
export async function measure(label, argv, { logDir, shell = false, stdout = '/dev/null', env, side = [] } = {}) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, label.replace(/[^\w.-]+/g, '_') + '.log');
  const timeFile = join(logDir, 'time.out');
  const cmd = shell ? ['/bin/sh', '-c', argv] : argv;
  const full = GNU_TIME ? [GNU_TIME, '-f', '%e %M %U %S', '-o', timeFile, ...cmd] : cmd;
  const outFd = openSync(stdout, 'w');
  const errFd = openSync(logFile, 'w');
  const sideBefore = side.map(processCpu);
  const kernelBefore = kernelThreadsCpu();
  const before = cpuTicks();
  const t0 = performance.now();
  const child = spawn(full[0], full.slice(1), { stdio: ['ignore', outFd, errFd], env: env ?? process.env });
  let treePeak = 0;
  const timer = setInterval(() => {
    treePeak = Math.max(treePeak, treeRss(child.pid));
  }, 50);
  const code = await new Promise((res) => child.on('exit', (c, sig) => res(sig ? 128 : c)));
  const wall = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const after = cpuTicks();
  const kernelCpu = Math.max(0, kernelThreadsCpu() - kernelBefore);
  const sideCpu = side.length ? side.reduce((sum, pid, i) => sum + Math.max(0, processCpu(pid) - sideBefore[i]), 0) : null;
  closeSync(outFd);
  closeSync(errFd);
  let rssMB = null;
  let cpu = null;
  if (GNU_TIME && existsSync(timeFile)) {
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    if (last.length === 4 && last.every(Number.isFinite)) {
      rssMB = (last[1] * 1024) / MB;
      cpu = last[2] + last[3];
    }
  }
  const hz = 100; // USER_HZ
  const busy = (after.busy - before.busy) / hz;
  const others = cpu === null ? null : Math.max(0, busy - cpu - (sideCpu ?? 0) - kernelCpu) / wall;
  const steal = (after.steal - before.steal) / hz / wall;
  const ok = code === 0;
  if (!ok) log(`${label}: exit ${code}; see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n')}`);
  return { wall, rssMB, treeMB: treePeak > 0 ? treePeak / MB : null, cpu, others, sideCpu, kernelCpu, steal, ok, code, logFile };
}

// Other work on this machine (2 cores, shared) skews figures: before each run, wait
// until the CPUs have been nearly idle for half a second (at most BENCH_QUIET_S, 20).
export async function quiet() {
  const limit = Number(process.env.BENCH_QUIET_S ?? 20) * 1000;
  const t0 = performance.now();
  for (;;) {
    const a = cpuTicks();
    await new Promise((r) => setTimeout(r, 500));
    const b = cpuTicks();
    const busyCores = (b.busy - a.busy) / 100 / 0.5;
    if (busyCores < 0.15) return 0;
    if (performance.now() - t0 > limit) {
      log(`  machine still busy (${busyCores.toFixed(2)} cores) after ${limit / 1000} s; measuring anyway`);
      return busyCores;
    }
  }
}

/**
 * Folds run `r` into the figure kept so far: the best wall time (with that run's other
 * figures), the worst memory, and every wall time in `walls`. A failed run wins.
 */
export function keepBest(keep, r) {
  if (!r.ok || keep?.ok === false) return keep?.ok === false ? keep : r;
  const maxOf = (a, b) => (a === null || a === undefined ? (b ?? null) : b === null || b === undefined ? a : Math.max(a, b));
  const base = !keep || r.wall < keep.wall ? r : keep;
  return { ...base, rssMB: maxOf(r.rssMB, keep?.rssMB), treeMB: maxOf(r.treeMB, keep?.treeMB), walls: [...(keep?.walls ?? []), r.wall] };
}

/** Waits for an idle machine, then measures: one run of `fn`. */
export async function once(label, fn) {
  const busy = await quiet();
  log(`${label} ...`);
  return { ...(await fn()), busyBefore: busy };
}

export async function best(label, runs, fn) {
  let keep = null;
  for (let i = 0; i < runs; i++) {
    const r = await once(`${label}${runs > 1 ? ` (run ${i + 1}/${runs})` : ''}`, fn);
    if (!r.ok) return r;
    // Best wall time; the worst memory.
    keep = keepBest(keep, r);
  }
  return keep;
}
