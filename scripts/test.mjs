// The whole test suite: starts the real components once, runs every test file with
// node:test (Node 24 strips the TypeScript types), stops what it started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OFFLINE_NIX_ENV, ensureDocker } from './services.mjs';

const files = process.argv.slice(2);
// The tests need Node 24 (type stripping); npm's devDependency `node` brings it.
const local = path.resolve(import.meta.dirname, '../node_modules/.bin/node');
const node = fs.existsSync(local) ? local : process.execPath;
const docker = await ensureDocker();
let status = 1;
try {
  const args = ['--test', '--test-concurrency=2', '--test-timeout=600000'];
  args.push(...(files.length ? files : ['test/**/*.test.ts']));
  status = spawnSync(node, args, { stdio: 'inherit', env: { ...process.env, ...OFFLINE_NIX_ENV, ...docker.env } }).status ?? 1;
} finally {
  await docker.stop();
}
process.exit(status);
