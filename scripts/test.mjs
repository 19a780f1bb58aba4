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
let status = 1;
try {
  const args = ['--test', '--test-concurrency=2', '--test-timeout=600000'];
  args.push(...(files.length ? files : ['test/**/*.test.ts']));
  status = spawnSync(node, args, { stdio: 'inherit', env: { ...process.env, ...OFFLINE_NIX_ENV, ...docker.env, XDG_CACHE_HOME: cacheHome } }).status ?? 1;
} finally {
  fs.rmSync(cacheHome, { recursive: true, force: true });
  await docker.stop();
}
process.exit(status);
