// The reliability suite (issue 16): hostile and broken archives (test/helpers/hostileArchives.ts,
// made on the fly) fed to every function that reads archives — buildLayeredImage and
// buildImage (as fromImage), exportImage, mergeImages, `push ARCHIVE` — plus a full output
// disk and signals. Each run must end in a correct result, or exit ≠ 0 with one line that
// names the input and the problem, no stack trace, no output or partial file, no temporary
// directory left, and bounded memory (peak RSS measured). A lying layer pushed must fail
// before the registry sees a manifest. Counts per category are printed at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, REPO } from './helpers/cli.ts';
import { dockerArchiveOf, GOOD_LAYER, hostileCases, tarOf, type HostileCase } from './helpers/hostileArchives.ts';
import { loadBaseImage } from '../src/image/baseImage.ts';
import { getInputs } from '../src/action/inputs.ts';
import { readArchive } from './helpers/archive.ts';
import { startFaultProxy, startRegistry, TEST_USER, type FaultProxy, type TestRegistry } from './helpers/registry.ts';
import { useOfflineNix } from './helpers/nixFixtures.ts';
import { encodeHeader, endOfArchiveSize, paddingSize } from '../src/tar/header.ts';

useOfflineNix();

interface Run {
  status: number;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Peak resident memory of the CLI process, in MiB. */
  peakMiB: number;
}

/** Runs the CLI under GNU time (for its peak RSS), with TMPDIR of its own. */
function cli(args: string[], opts: { tmpDir: string; onStart?: (pid: number) => void } ): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'peak-rss-kib=%M', process.execPath, CLI, ...args], {
      env: { ...process.env, TMPDIR: opts.tmpDir, XDG_CACHE_HOME: path.join(opts.tmpDir, '..', 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    opts.onStart?.(child.pid!);
    child.on('close', (code, signal) => {
      const m = /(?:Command exited with non-zero status \d+\n|Command terminated by signal \d+\n)?peak-rss-kib=(\d+)\n?$/.exec(stderr);
      resolve({ status: code ?? 1, signal, stderr: m ? stderr.slice(0, m.index) : stderr, peakMiB: m ? Number(m[1]) / 1024 : NaN });
    });
  });
}

let tmp: string;
let registry: TestRegistry;
let proxy: FaultProxy;
const counts = new Map<string, { runs: number; refused: number; correct: number }>();
const peaks: string[] = [];

function count(category: string, refused: boolean): void {
  const c = counts.get(category) ?? { runs: 0, refused: 0, correct: 0 };
  c.runs++;
  if (refused) c.refused++;
  else c.correct++;
  counts.set(category, c);
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'));
  registry = await startRegistry({ mode: 'http' });
  proxy = await startFaultProxy(registry.port);
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
  const lines = [...counts].map(([category, c]) => `  ${category.padEnd(10)} ${String(c.runs).padStart(3)} runs: ${c.refused} refused with one line, ${c.correct} correct`);
  console.log(`reliability suite, per category:\n${lines.join('\n')}\npeak RSS of the bombs:\n${peaks.join('\n')}`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh output directory and TMPDIR, both checked empty after a refusal. */
function dirs(label: string): { out: string; tmpDir: string } {
  const base = fs.mkdtempSync(path.join(tmp, `${label.replace(/\W+/g, '_').slice(0, 40)}-`));
  const out = path.join(base, 'out');
  const tmpDir = path.join(base, 'tmp');
  fs.mkdirSync(out);
  fs.mkdirSync(tmpDir);
  return { out, tmpDir };
}

function assertRefusal(r: Run, c: { name: string; error: RegExp }, input: string, d: { out: string; tmpDir: string }): void {
  const what = `${c.name}: ${r.stderr}`;
  assert.notEqual(r.status, 0, what);
  const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('nix-docker:'));
  assert.equal(errorLines.length, 1, what);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace: ${what}`);
  assert.match(errorLines[0]!, c.error, what);
  assert.ok(errorLines[0]!.includes(input), `the line names the input: ${what}`);
  assert.deepEqual(fs.readdirSync(d.out), [], `nothing written: ${what}`);
  assert.deepEqual(fs.readdirSync(d.tmpDir), [], `no temporary files left: ${what}`);
}

type Fn = 'exportImage' | 'mergeImages' | 'buildLayeredImage' | 'buildImage' | 'push';
const FUNCTIONS: Fn[] = ['exportImage', 'mergeImages', 'buildLayeredImage', 'buildImage', 'push'];

function argsFor(fn: Fn, input: string, out: string, repo: string): string[] {
  if (fn === 'exportImage') return ['exportImage', '--fromImage', input, '--name', 'fs.tar', '--out', path.join(out, 'fs.tar')];
  if (fn === 'mergeImages') return ['mergeImages', '--images', input, '--out', path.join(out, 'merged.tar')];
  if (fn === 'push') return ['push', input, `${proxy.host}/${repo}:v1`, '--tls-verify', 'false'];
  return [fn, '--name', 'hostile-build', '--fromImage', input, '--out', path.join(out, 'image.tar.gz'), '--no-cache'];
}

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

for (const fn of FUNCTIONS) {
  test(`${fn}: every hostile archive is refused with one line, every valid one works`, async () => {
    const cases = hostileCases();
    for (const [i, c] of cases.entries()) {
      const expectError = c.error && (!c.exportOnly || fn === 'exportImage') ? c.error : null;
      const d = dirs(`${fn}-${c.name}`);
      const input = path.join(path.dirname(d.out), `${c.name.replace(/\W+/g, '_')}.tar`);
      fs.writeFileSync(input, c.bytes);
      const repo = `reliability/${fn.toLowerCase()}-${i}`;
      const manifestPuts = () => proxy.requests.filter((q) => q.method === 'PUT' && q.path.startsWith(`/v2/${repo}/manifests/`)).length;
      const r = await cli(argsFor(fn, input, d.out, repo), { tmpDir: d.tmpDir });
      if (c.category === 'bomb') peaks.push(`  ${fn.padEnd(18)} ${c.name}: ${r.peakMiB.toFixed(0)} MiB`);
      assert.ok(!(r.peakMiB > 600), `${c.name}: peak RSS ${r.peakMiB} MiB`);
      if (expectError) {
        assertRefusal(r, { name: c.name, error: expectError }, input, d);
        if (fn === 'push') {
          // Refused before anything is pushed: no manifest PUT, not even a blob request.
          assert.equal(manifestPuts(), 0, `${c.name}: the registry got a manifest`);
          assert.deepEqual(proxy.requests.filter((q) => q.path.startsWith(`/v2/${repo}/`)).map((q) => `${q.method} ${q.path}`), [], c.name);
        }
        count(c.category, true);
      } else {
        assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
        await assertCorrect(fn, c, d.out, manifestPuts());
        count(c.category, false);
      }
    }
  });
}

/** A valid input's result holds the real layer (every case's image is one layer, GOOD). */
async function assertCorrect(fn: Fn, c: HostileCase, out: string, manifestPuts: number): Promise<void> {
  if (fn === 'push') {
    assert.equal(manifestPuts, 1, c.name);
    return;
  }
  if (fn === 'exportImage') {
    if (c.category === 'names') return;
    const listing = execFileSync('tar', ['-xOf', path.join(out, 'fs.tar'), './etc/motd'], { encoding: 'utf8' });
    assert.equal(listing, 'the real layer\n', c.name);
    return;
  }
  if (fn === 'mergeImages') {
    // The merged archive keeps each layer as its input stored it (compressed ones too): read back, every layer checks.
    const workDir = fs.mkdtempSync(path.join(tmp, 'check-'));
    const image = await loadBaseImage(path.join(out, 'merged.tar'), { workDir, plainLayers: true });
    if (c.category !== 'names') assert.equal(image.layers[0]!.diffId, sha(GOOD_LAYER), c.name);
    return;
  }
  const view = await readArchive(path.join(out, 'image.tar.gz'));
  // The base layer is written plain, whatever form the input stored it in, and hashes to its diff_id.
  assert.equal(`sha256:${view.layerDigests[0]}`, view.config.rootfs.diff_ids[0], c.name);
  if (c.category !== 'names') assert.equal(`sha256:${view.layerDigests[0]}`, sha(GOOD_LAYER), c.name);
  assert.ok(view.layers[0]!.some((e) => /(^|\/)etc\/motd$/.test(e.name)) || c.category === 'names', `${c.name}: the base layer is a tar`);
}

test('a full output disk: one line naming the output, nothing left (buildLayeredImage, buildImage, exportImage, mergeImages)', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mounting a tmpfs needs root');
  const small = fs.mkdtempSync(path.join(tmp, 'small-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small]);
  try {
    const big = path.join(tmp, 'big5.tar');
    const layer = tarOf([{ name: 'big', data: Buffer.alloc(5 << 20, 7) }]);
    fs.writeFileSync(big, dockerArchiveOf([{ stored: layer, diffId: sha(layer) }]));
    for (const fn of ['buildLayeredImage', 'buildImage', 'exportImage', 'mergeImages'] as const) {
      const d = dirs(`enospc-${fn}`);
      // Uncompressed, so the 5 MiB layer cannot fit in 2 MiB.
      const args = argsFor(fn, big, small, '').map((a) => a.replace(/\.tar\.gz$/, '.tar'));
      const r = await cli(args.concat(fn.startsWith('build') ? ['--compressor', 'none'] : []), { tmpDir: d.tmpDir });
      assertRefusal(r, { name: `${fn} ENOSPC`, error: /writing .*: ENOSPC: no space left on device/ }, small, { out: small, tmpDir: d.tmpDir });
      count('disk-full', true);
    }
  } finally {
    execFileSync('umount', [small]);
  }
});

test('SIGINT and SIGTERM while writing: one line, no partial output, no temporary directory', async () => {
  const big = path.join(tmp, 'big.tar');
  bigArchive(big, 1 << 30);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const fn of ['buildLayeredImage', 'buildImage', 'exportImage', 'mergeImages'] as const) {
      const d = dirs(`signal-${fn}-${signal}`);
      let pid = 0;
      const running = cli(argsFor(fn, big, d.out, '').concat(fn.startsWith('build') ? ['--compressor', 'gz'] : []), { tmpDir: d.tmpDir, onStart: (p) => (pid = p) });
      // Stopped once the output is being written.
      const started = Date.now();
      while (!fs.readdirSync(d.out).some((f) => f.endsWith('.partial')) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(fs.readdirSync(d.out).some((f) => f.endsWith('.partial')), `${fn}: the output was being written`);
      // The CLI itself (GNU time, its parent, does not pass signals on).
      process.kill(Number(execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim()), signal);
      const r = await running;
      assert.equal(r.status, signal === 'SIGINT' ? 130 : 143, `${fn} ${signal}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('nix-docker:'));
      assert.deepEqual(lines, [`nix-docker: stopped by ${signal}; partial output and temporary files removed`], r.stderr);
      assert.deepEqual(fs.readdirSync(d.out), [], `${fn} ${signal}: output left`);
      assert.deepEqual(fs.readdirSync(d.tmpDir), [], `${fn} ${signal}: temporary files left`);
      count('signals', true);
    }
  }
});

/** A one-layer archive whose layer holds one file of `size` zero bytes, written in pieces. */
function bigArchive(file: string, size: number): void {
  const header = encodeHeader({ name: 'big', type: 'file', mode: 0o644, size, mtime: 1, uid: 0, gid: 0, uname: 'root', gname: 'root' }, { dialect: 'python-pax' });
  const tail = Buffer.alloc(paddingSize(size) + endOfArchiveSize(header.length + size + paddingSize(size)));
  const layerSize = header.length + size + tail.length;
  const zeros = Buffer.alloc(1 << 20);
  const h = createHash('sha256').update(header);
  for (let left = size; left > 0; left -= zeros.length) h.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
  h.update(tail);
  // The archive around it: the layer member first, then config and manifest (as dockerArchiveOf lays them out).
  const shell = dockerArchiveOf([{ stored: Buffer.alloc(0), diffId: `sha256:${h.digest('hex')}`, member: 'big/layer.tar' }]);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, encodeHeader({ name: 'big/layer.tar', type: 'file', mode: 0o644, size: layerSize, mtime: 1, uid: 0, gid: 0, uname: 'root', gname: 'root' }, { dialect: 'python-pax' }));
  fs.writeSync(fd, header);
  for (let left = size; left > 0; left -= zeros.length) fs.writeSync(fd, left >= zeros.length ? zeros : zeros.subarray(0, left));
  fs.writeSync(fd, tail);
  fs.writeSync(fd, Buffer.alloc(paddingSize(layerSize)));
  // The shell's first member is the empty layer (one header block): the rest follows it.
  fs.writeSync(fd, shell.subarray(512));
  fs.closeSync(fd);
}

// Items 6-8 and 10: values and flags that would give a broken image, or a puzzling error.
const badValues: [string, string[], RegExp][] = [
  ['a tag with a space and !', ['--tag', 'bad tag!'], /^nix-docker: attribute 'tag': 'bad tag!' is not a tag/],
  ['a tag of 200 characters', ['--tag', 'a'.repeat(200)], /^nix-docker: attribute 'tag': is not a tag: longer than 128 characters/],
  ['a name outside the reference grammar', ['--name', 'UPPER/Case!!'], /^nix-docker: attribute 'name': 'UPPER\/Case!!' is not an image name/],
  ['a uid beyond 32 bits', ['--uid', '4294967296'], /^nix-docker: attribute 'uid': expected an integer <= 4294967294, got number 4294967296/],
  ['an architecture Go and OCI do not know', ['--architecture', 'sparc99'], /^nix-docker: attribute 'architecture': 'sparc99' is not an architecture/],
  ['a boolean that is neither', ['--includeNixDB', 'maybe'], /^nix-docker: attribute 'includeNixDB': expected true or false, got 'maybe'/],
  ['a cache budget that is not a size', ['--cache-budget', 'lots'], /^nix-docker: --cache-budget: not a size: "lots"/],
];

for (const fn of ['buildLayeredImage', 'buildImage'] as const) {
  test(`${fn}: bad values are refused before building, naming the attribute or flag`, async () => {
    for (const [what, flags, error] of badValues) {
      if (fn === 'buildImage' && flags[0] === '--includeNixDB') continue; // buildImage's is buildImageWithNixDb
      const d = dirs(`values-${fn}-${what}`);
      const base = ['--name', 'ok', '--out', path.join(d.out, 'x.tar.gz')];
      const r = await cli([fn, ...base.filter((_, i) => !(flags[0] === '--name' && i < 2)), ...flags], { tmpDir: d.tmpDir });
      assertRefusal(r, { name: what, error }, '', d);
      count('values', true);
    }
    const d = dirs(`values-${fn}-outdir`);
    const r = await cli([fn, '--name', 'ok', '--out', d.out], { tmpDir: d.tmpDir });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.trim(), new RegExp(`^nix-docker: --out ${d.out}: is a directory; give a file name$`));
    count('values', true);
  });
}

test('the CLI bundle on a Node older than 24 says it needs Node 24', (t) => {
  const old = '/usr/bin/node';
  if (!fs.existsSync(old)) return t.skip('no system Node');
  const version = execFileSync(old, ['--version'], { encoding: 'utf8' }).trim();
  if (Number(version.slice(1).split('.')[0]) >= 24) return t.skip(`the system Node is ${version}`);
  const r = spawnSync(old, [path.join(REPO, 'dist/cli/index.js'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `nix-docker: needs Node.js 24 or later; this is Node.js ${version.slice(1)} (${old})\n`);
  count('values', true);
});

test('pullImage takes --registry-username with the password on stdin or in NIX_DOCKER_REGISTRY_PASSWORD', async () => {
  const basic = await startRegistry({ mode: 'basic' });
  try {
    const d = dirs('pull-auth');
    const archive = path.join(d.out, '..', 'good.tar');
    fs.writeFileSync(archive, dockerArchiveOf([{ stored: GOOD_LAYER, diffId: sha(GOOD_LAYER) }]));
    const ref = `${basic.host}/reliability/private`;
    const cred = ['--tls-verify', 'false', '--registry-username', TEST_USER.username];
    const pushed = spawnSync(process.execPath, [CLI, 'push', archive, `${ref}:v1`, ...cred, '--registry-password-stdin', '--json'], { input: `${TEST_USER.password}\n`, encoding: 'utf8' });
    assert.equal(pushed.status, 0, pushed.stderr);
    const digest = JSON.parse(pushed.stdout)[0].digest as string;
    // A wrong sha256 shows that the image was fetched (a 401 would come first).
    const pull = ['pullImage', '--imageName', ref, '--imageDigest', digest, '--sha256', '0'.repeat(52), '--tlsVerify', 'false', '--out', path.join(d.out, 'p.tar'), '--registry-username', TEST_USER.username];
    const viaStdin = spawnSync(process.execPath, [CLI, ...pull, '--registry-password-stdin'], { input: `${TEST_USER.password}\n`, encoding: 'utf8' });
    assert.match(viaStdin.stderr, /attribute 'sha256': hash mismatch/, viaStdin.stderr);
    const viaEnv = spawnSync(process.execPath, [CLI, ...pull], { env: { ...process.env, NIX_DOCKER_REGISTRY_PASSWORD: TEST_USER.password }, encoding: 'utf8' });
    assert.match(viaEnv.stderr, /attribute 'sha256': hash mismatch/, viaEnv.stderr);
    const without = spawnSync(process.execPath, [CLI, ...pull.slice(0, -2)], { encoding: 'utf8' });
    assert.match(without.stderr, /401|unauthori[sz]ed|denied/i, without.stderr);
    count('values', true);
  } finally {
    await basic.stop();
  }
});

test('the layer cache: a warm cache refuses a lying base layer as a cold build does; an entry replaced by a directory heals', async () => {
  const d = dirs('warm-cache');
  const cacheDir = path.join(d.out, '..', 'cache-dir');
  const good = path.join(d.out, '..', 'good.tar');
  const liar = path.join(d.out, '..', 'liar.tar');
  // Same config and diff_id; the liar's layer holds other bytes under that diff_id, named by it.
  const member = `blobs/sha256/${sha(GOOD_LAYER).slice(7)}`;
  fs.writeFileSync(good, dockerArchiveOf([{ stored: GOOD_LAYER, diffId: sha(GOOD_LAYER), member }]));
  fs.writeFileSync(liar, dockerArchiveOf([{ stored: tarOf([{ name: 'etc/motd', data: Buffer.from('not the real layer\n') }]), diffId: sha(GOOD_LAYER), member }]));
  const build = (input: string) => cli(['buildLayeredImage', '--name', 'warm', '--fromImage', input, '--cache-dir', cacheDir, '--out', path.join(d.out, 'w.tar.gz')], { tmpDir: d.tmpDir });
  const first = await build(good);
  assert.equal(first.status, 0, first.stderr);
  const warm = await build(liar);
  assert.equal(warm.status, 2, warm.stderr);
  assert.match(warm.stderr.trim(), /^nix-docker: attribute 'fromImage': .*liar\.tar: layer 1 \('blobs\/sha256\/[0-9a-f]{64}'\) hashes to sha256:[0-9a-f]{64}, but the image config says sha256:/);
  count('cache', true);
  // Every cached blob replaced by a directory: the next build rebuilds them, the one after reuses them.
  const blobs = path.join(cacheDir, 'layers-v1', 'blobs', 'sha256');
  for (const name of fs.readdirSync(blobs)) {
    fs.rmSync(path.join(blobs, name));
    fs.mkdirSync(path.join(blobs, name, 'junk'), { recursive: true });
  }
  const healing = await build(good);
  assert.equal(healing.status, 0, healing.stderr);
  assert.match(healing.stderr, /blob is not a file/);
  const healed = await build(good);
  assert.equal(healed.status, 0, healed.stderr);
  assert.doesNotMatch(healed.stderr, /warning/);
  assert.match(healed.stderr, /Reusing cached layer 1/);
  count('cache', false);
});

test('a read-only cache directory: one warning, the build goes on', async (t) => {
  if (process.getuid?.() === 0) {
    // root writes through modes: a read-only bind of the directory stands in.
    const d = dirs('ro-cache');
    const cacheDir = path.join(d.out, '..', 'ro');
    fs.mkdirSync(cacheDir);
    execFileSync('mount', ['--bind', cacheDir, cacheDir]);
    execFileSync('mount', ['-o', 'remount,bind,ro', cacheDir]);
    try {
      const input = path.join(d.out, '..', 'two.tar');
      const second = tarOf([{ name: 'etc/other', data: Buffer.from('second layer\n') }]);
      fs.writeFileSync(input, dockerArchiveOf([{ stored: GOOD_LAYER, diffId: sha(GOOD_LAYER) }, { stored: second, diffId: sha(second) }]));
      const r = await cli(['buildLayeredImage', '--name', 'ro', '--fromImage', input, '--cache-dir', cacheDir, '--out', path.join(d.out, 'ro.tar.gz')], { tmpDir: d.tmpDir });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('warning:')).length, 1, r.stderr);
      count('cache', false);
    } finally {
      execFileSync('umount', [cacheDir]);
    }
  } else t.skip('needs root for a read-only bind mount');
});

test('the action refuses the same values through the same spec parser, naming the input', () => {
  const inputs = (extra: Record<string, string>): NodeJS.ProcessEnv =>
    Object.fromEntries(Object.entries({ name: 'ok', contents: '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x', ...extra }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  for (const [input, value, error] of [
    ['tag', 'bad tag!', /'tag'.*'bad tag!' is not a tag/],
    ['tag', 'a'.repeat(200), /'tag'.*longer than 128 characters/],
    ['name', 'UPPER/Case!!', /'name'.*'UPPER\/Case!!' is not an image name/],
    ['uid', '4294967296', /'uid'.*<= 4294967294/],
    ['architecture', 'sparc99', /'architecture'.*'sparc99' is not an architecture/],
    ['includeNixDB', 'maybe', /'includeNixDB'.*true or false/],
  ] as const) {
    assert.throws(() => getInputs(inputs({ [input]: value })), (e: Error) => (assert.match(e.message, error), assert.doesNotMatch(e.message, /\n/), true));
    count('values', true);
  }
});
