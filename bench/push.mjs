// The registry figures, against a local docker-registry (bench/registry.mjs):
//
// warm (issue 6): cold buildLayeredImage (gz) with an empty --cache-dir; a warm rebuild
//   after one store path changed (synthetic.nix `bump`), same cache; a cold push (fresh
//   registry, empty cache: every layer compressed on its way to the registry); a warm
//   push of the changed image to the same registry with the warm cache (unchanged
//   layers: known digests, a HEAD each). Targets: warm ≤ 0.1 × cold, for both.
//
// push (issue 4): our push cold (fresh repository, empty cache) and unchanged (the same
//   push again, same cache dir: whatever the cold push left there — since ce5ac2d the
//   layers it compressed), and unchanged with a cache a build filled; beside `skopeo copy docker-archive:F
//   docker://...` of the same image (F written once by streamLayeredImage --out, plain
//   tar) to a fresh repository of the same registry, then again unchanged.
//
// Each run starts from fresh registry storage and fresh caches; --runs N keeps the best
// wall of each figure (and the worst memory). The --json reports of our CLI (produced,
// layers[].cached, pushed[].uploaded/skipped/mounted, cache) are kept as evidence.

import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { keepBest, log, measure, once } from './measure.mjs';
import { pushedBytes, startRegistry } from './registry.mjs';

const MB = 1e6;

// What one --json report of our CLI says happened.
function evidence(file) {
  let j;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const p = j.pushed?.[0];
  return {
    produced: j.produced ?? null,
    layers: j.layers?.length ?? null,
    cachedLayers: j.layers ? j.layers.filter((l) => l.cached).length : null,
    uploaded: p?.uploaded ?? null,
    skipped: p?.skipped ?? null,
    mounted: p?.mounted ?? null,
    pushedLayers: p?.layers?.length ?? null,
    cache: j.cache ? { hits: j.cache.hits, misses: j.cache.misses, puts: j.cache.puts } : null,
  };
}

/** A runner for our CLI: a fresh --work-dir per run, the --json report parsed. */
function ourCli({ cliArgv, dir, logDir, env }) {
  return async (label, key, fn, contents, extra, side = []) => {
    const work = join(dir, `work-${key}`);
    const json = join(logDir, `${key}.json`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const m = await once(label, () =>
      measure(label, [...cliArgv, fn, '--name', 'bench', '--tag', 'latest', ...contents.flatMap((r) => ['--contents', r]), '--work-dir', work, '--json', ...extra], {
        logDir,
        env,
        stdout: json,
        side,
      }),
    );
    rmSync(work, { recursive: true, force: true });
    return { ...m, evidence: m.ok ? evidence(json) : null };
  };
}

const fresh = (d) => {
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
};

// Evidence is the same run after run (the layering and the caches are deterministic);
// the last run's is reported, and a run that disagrees is noted.
function mergeEvidence(prev, cur) {
  if (!prev) return cur;
  if (JSON.stringify(prev) !== JSON.stringify(cur)) return { ...cur, note: 'differs between runs' };
  return cur;
}

/**
 * Issue 6. `base`/`bumped`: the two closures. Adds rows via `add(key, label, m, note)`;
 * returns { evidence, keepCache } — keepCache, a cache dir holding the base image's
 * layers (for the push group), which the caller removes.
 */
export async function warmGroup({ base, bumped, bump, runs, dir, logDir, env, cliArgv, add }) {
  const run = ourCli({ cliArgv, dir, logDir, env });
  const keep = {};
  const ev = {};
  const cache = join(dir, 'cache-warm');
  const empty = join(dir, 'cache-empty');
  const baseOut = join(dir, 'warm-base.tar.gz');
  const bumpOut = join(dir, 'warm-bumped.tar.gz');
  const fold = (k, m) => {
    keep[k] = keepBest(keep[k], m);
    ev[k] = mergeEvidence(ev[k], m.evidence);
  };
  let sizes = {};
  for (let i = 0; i < runs; i++) {
    const tag = runs > 1 ? ` (run ${i + 1}/${runs})` : '';
    fresh(cache);
    fresh(empty);
    rmSync(baseOut, { force: true });
    rmSync(bumpOut, { force: true });
    fold('warm-cold-build', await run(`warm: cold build${tag}`, 'warm-cold-build', 'buildLayeredImage', base.roots, ['--compressor', 'gz', '--out', baseOut, '--cache-dir', cache]));
    fold('warm-rebuild', await run(`warm: rebuild, ${bump} changed${tag}`, 'warm-rebuild', 'buildLayeredImage', bumped.roots, ['--compressor', 'gz', '--out', bumpOut, '--cache-dir', cache]));
    sizes = { base: existsSync(baseOut) ? lstatSync(baseOut).size : null, bumped: existsSync(bumpOut) ? lstatSync(bumpOut).size : null };
    // A floor for a rebuild that writes the whole archive: copying one that size.
    if (existsSync(baseOut)) {
      const copy = join(dir, 'warm-copy.tar.gz');
      const m = await once(`warm: floor, copy the archive${tag}`, () => measure('warm copy floor', `cat ${JSON.stringify(baseOut)} > ${JSON.stringify(copy)}`, { logDir, shell: true }));
      keep['warm-copy'] = keepBest(keep['warm-copy'], m);
      rmSync(copy, { force: true });
    }
    rmSync(baseOut, { force: true });
    rmSync(bumpOut, { force: true });
    const reg = await startRegistry(join(dir, 'registry-warm'));
    try {
      const push = ['--tls-verify', 'false'];
      fold('warm-cold-push', await run(`warm: cold push${tag}`, 'warm-cold-push', 'buildLayeredImage', base.roots, ['--push', `${reg.host}/bench:cold`, ...push, '--cache-dir', fresh(empty)], [reg.pid]));
      fold('warm-push', await run(`warm: push, ${bump} changed${tag}`, 'warm-push', 'buildLayeredImage', bumped.roots, ['--push', `${reg.host}/bench:warm`, ...push, '--cache-dir', cache], [reg.pid]));
    } finally {
      await reg.stop();
    }
  }
  rmSync(empty, { recursive: true, force: true });
  const changed = `${bump} changed (${bumped.changed.length} store path${bumped.changed.length === 1 ? '' : 's'}, ${(bumped.changedBytes / MB).toFixed(0)} MB)`;
  const regCpu = (m) => (m?.sideCpu == null ? '' : `; registry ${m.sideCpu.toFixed(1)} s CPU`);
  add('warm-cold-build', 'warm: cold build gz, empty cache', keep['warm-cold-build'], sizes.base ? `${(sizes.base / MB).toFixed(0)} MB written` : '');
  add('warm-rebuild', 'warm: rebuild gz, warm cache', keep['warm-rebuild'], changed);
  if (keep['warm-copy']) add('warm-copy', 'warm: floor, cat archive > file', keep['warm-copy'], 'writing an archive that size, nothing else');
  add('warm-cold-push', 'warm: cold push, empty cache', keep['warm-cold-push'], `fresh registry${regCpu(keep['warm-cold-push'])}`);
  add('warm-push', 'warm: push changed image, warm cache', keep['warm-push'], `same registry${regCpu(keep['warm-push'])}`);
  return { evidence: { bump, changed: bumped.changed, changedBytes: bumped.changedBytes, ...ev }, keepCache: cache };
}

/**
 * Issue 4. `base`: the closure; `primedCache`: a cache dir already holding the image's
 * layers (from the warm group), or null to fill one with an untimed build.
 */
export async function pushGroup({ base, runs, dir, logDir, env, cliArgv, add, primedCache }) {
  const run = ourCli({ cliArgv, dir, logDir, env });
  const keep = {};
  const ev = {};
  const fold = (k, m) => {
    keep[k] = keepBest(keep[k], m);
    if (m.evidence !== undefined) ev[k] = mergeEvidence(ev[k], m.evidence);
  };
  const contents = base.roots.flatMap((r) => ['--contents', r]);
  // The docker-archive skopeo reads: written once, plain tar, not timed.
  const archive = join(dir, 'push-base.tar');
  log('writing the docker-archive for skopeo (streamLayeredImage --out, not timed) ...');
  const a = await measure('push-archive', [...cliArgv, 'streamLayeredImage', '--name', 'bench', '--tag', 'latest', ...contents, '--no-cache', '--work-dir', fresh(join(dir, 'work-archive')), '--out', archive], { logDir, env });
  rmSync(join(dir, 'work-archive'), { recursive: true, force: true });
  if (!a.ok) throw new Error(`streamLayeredImage --out ${archive} failed; see ${a.logFile}`);
  let primed = primedCache;
  let ownPrimed = null;
  if (!primed) {
    log('filling a layer cache with one build (buildLayeredImage gz, not timed) ...');
    ownPrimed = primed = fresh(join(dir, 'cache-primed'));
    const out = join(dir, 'push-primed.tar.gz');
    const b = await measure('push-prime', [...cliArgv, 'buildLayeredImage', '--name', 'bench', '--tag', 'latest', ...contents, '--compressor', 'gz', '--cache-dir', primed, '--work-dir', fresh(join(dir, 'work-prime')), '--out', out], { logDir, env });
    rmSync(join(dir, 'work-prime'), { recursive: true, force: true });
    rmSync(out, { force: true });
    if (!b.ok) throw new Error(`the priming build failed; see ${b.logFile}`);
  }
  const cache = join(dir, 'cache-push');
  // skopeo keeps a blob-info cache (uncompressed digest → compressed blobs and where
  // they are), for root in /var/lib/containers/cache. Each run gets its own, so "cold"
  // is cold and the machine's cache is left alone: with _CONTAINERS_ROOTLESS_UID set,
  // containers/image takes it from $XDG_DATA_HOME/containers/cache instead.
  const skopeoHome = join(dir, 'skopeo-data');
  let sizes = {};
  for (let i = 0; i < runs; i++) {
    const tag = runs > 1 ? ` (run ${i + 1}/${runs})` : '';
    const reg = await startRegistry(join(dir, 'registry-push'));
    try {
      const push = (repo) => ['--push', `${reg.host}/${repo}:latest`, '--tls-verify', 'false'];
      fresh(cache);
      fold('push-ours-cold', await run(`push: ours cold${tag}`, 'push-ours-cold', 'buildLayeredImage', base.roots, [...push('ours'), '--cache-dir', cache], [reg.pid]));
      fold('push-ours-again', await run(`push: ours unchanged${tag}`, 'push-ours-again', 'buildLayeredImage', base.roots, [...push('ours'), '--cache-dir', cache], [reg.pid]));
      fold('push-ours-primed', await run(`push: ours unchanged, primed cache${tag}`, 'push-ours-primed', 'buildLayeredImage', base.roots, [...push('ours'), '--cache-dir', primed], [reg.pid]));
      const skEnv = { ...env, _CONTAINERS_ROOTLESS_UID: '65534', XDG_DATA_HOME: fresh(skopeoHome) };
      const skopeo = ['skopeo', '--debug', 'copy', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${reg.host}/skopeo:latest`];
      fold('push-skopeo-cold', await once(`push: skopeo cold${tag}`, () => measure('skopeo copy cold', skopeo, { logDir, env: skEnv, side: [reg.pid], stdout: join(logDir, 'skopeo-cold.out') })));
      fold('push-skopeo-again', await once(`push: skopeo unchanged${tag}`, () => measure('skopeo copy unchanged', skopeo, { logDir, env: skEnv, side: [reg.pid], stdout: join(logDir, 'skopeo-unchanged.out') })));
      // skopeo --debug (stderr, a few hundred lines) says what it did with each blob.
      const skLog = (label) => {
        try {
          const text = readFileSync(join(logDir, `${label.replace(/[^\w.-]+/g, '_')}.log`), 'utf8');
          const n = (re) => (text.match(re) ?? []).length;
          return { uploaded: n(/msg="POST [^"]*\/blobs\/uploads\//g), skipped: n(/msg="Skipping blob /g), heads: n(/msg="HEAD [^"]*\/blobs\//g) };
        } catch {
          return null;
        }
      };
      ev['push-skopeo-cold'] = skLog('skopeo copy cold');
      ev['push-skopeo-again'] = skLog('skopeo copy unchanged');
      sizes = {
        ours: await pushedBytes(reg.host, 'ours', 'latest').catch(() => null),
        skopeo: await pushedBytes(reg.host, 'skopeo', 'latest').catch(() => null),
      };
    } finally {
      await reg.stop();
    }
  }
  rmSync(cache, { recursive: true, force: true });
  rmSync(skopeoHome, { recursive: true, force: true });
  rmSync(archive, { force: true });
  if (ownPrimed) rmSync(ownPrimed, { recursive: true, force: true });
  const regCpu = (m) => (m?.sideCpu == null ? '' : `registry ${m.sideCpu.toFixed(1)} s CPU`);
  const blobs = (s) => (s ? `${(s.bytes / MB).toFixed(0)} MB in ${s.layers} layers` : '');
  add('push-ours-cold', 'push: nix-docker, cold', keep['push-ours-cold'], [blobs(sizes.ours), regCpu(keep['push-ours-cold'])].filter(Boolean).join('; '));
  add('push-ours-again', 'push: nix-docker, unchanged, same cache', keep['push-ours-again'], regCpu(keep['push-ours-again']));
  add('push-ours-primed', 'push: nix-docker, unchanged, cache from a build', keep['push-ours-primed'], regCpu(keep['push-ours-primed']));
  add('push-skopeo-cold', 'push: skopeo copy docker-archive, cold', keep['push-skopeo-cold'], [blobs(sizes.skopeo), regCpu(keep['push-skopeo-cold'])].filter(Boolean).join('; '));
  add('push-skopeo-again', 'push: skopeo copy docker-archive, unchanged', keep['push-skopeo-again'], regCpu(keep['push-skopeo-again']));
  return { evidence: { ...ev, sizes } };
}
