// The whole test suite: starts the real components once, runs every test file with
// node:test (Node 24 strips the TypeScript types), stops what it started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OFFLINE_NIX_ENV, ensureDocker } from './services.mjs';

const files = process.argv.slice(2);
// The tests need Node 24 (type stripping); npm's devDependency `node` brings it.
const local = path.resolve(import.meta.dirname, '../node_modules/.bin/node');
const node = fs.existsSync(local) ? local : process.execPath;
const docker = await ensureDocker();
// The CLI keeps a layer cache under $XDG_CACHE_HOME: one fresh cache per run keeps the
// host's own out of the tests (and the tests out of it).
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-docker-test-cache-'));
// A second reporter (TAP, to a file) gives the counts: a test skipped for want of a
// component (qemu, a kernel, Nix...) fails the run, because setup installs them all and
// a skip would pass silently.
const tap = path.join(cacheHome, 'results.tap');
let status = 1;
try {
  const args = ['--test', '--test-concurrency=2', '--test-timeout=600000'];
  args.push('--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`);
  args.push(...(files.length ? files : ['test/**/*.test.ts']));
  status = spawnSync(node, args, { stdio: 'inherit', env: { ...process.env, ...OFFLINE_NIX_ENV, ...docker.env, XDG_CACHE_HOME: cacheHome } }).status ?? 1;
  const skipped = Number(/^# skipped (\d+)$/m.exec(fs.readFileSync(tap, 'utf8'))?.[1] ?? 0);
  if (skipped > 0 && !process.env.NIX_DOCKER_ALLOW_SKIPS) {
    const names = [...fs.readFileSync(tap, 'utf8').matchAll(/^\s*ok \d+ - (.*) # SKIP(.*)$/gm)].map((m) => `  ${m[1]}:${m[2]}`);
    console.error(`\n${skipped} test(s) skipped; every component they need is installed by scripts/setup.sh:\n${names.join('\n')}`);
    status = status || 1;
  }
} finally {
  fs.rmSync(cacheHome, { recursive: true, force: true });
  await docker.stop();
}
process.exit(status);
