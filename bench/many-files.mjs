// Many small files (issue 16, item 11): one store path of BENCH_FILES files (default
// 100 000, 1 000 per directory) as `contents` of buildLayeredImage, cold (--no-cache),
// filling the layer cache, and warm; then as `copyToRoot` of buildImage. Wall time,
// CPU (user + system) and peak RSS of the CLI, the bundle that ships (dist/cli).
//
//   node bench/many-files.mjs          # node: Node 24 (node_modules/.bin/node)
//
// Reports figures, asserts nothing. The CPU column is the steadier one on a busy machine.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, measure } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(process.env.BENCH_DIR ?? '/tmp/nix-docker-bench', 'many-files');
const files = Number(process.env.BENCH_FILES ?? 100000);
const cli = path.resolve(root, process.env.BENCH_CLI ?? 'dist/cli/index.js');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

log(`building a store path of ${files} small files`);
const storePath = execFileSync('nix-build', ['--no-out-link', path.join(root, 'bench/many-files.nix'), '--arg', 'n', String(files)], { encoding: 'utf8' }).trim();
const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') };
const run = (label, fn, flags) => measure(label, [process.execPath, cli, fn, '--name', 'many', '--tag', 't', ...flags], { logDir: path.join(dir, 'logs'), env });

const rows = [];
const layered = ['--contents', storePath, '--out', path.join(dir, 'layered.tar.gz')];
rows.push(['buildLayeredImage, no cache', await run('cold', 'buildLayeredImage', [...layered, '--no-cache'])]);
rows.push(['buildLayeredImage, filling the cache', await run('fill', 'buildLayeredImage', layered)]);
rows.push(['buildLayeredImage, warm cache', await run('warm', 'buildLayeredImage', layered)]);
rows.push(['buildImage (copyToRoot), no cache', await run('buildImage', 'buildImage', ['--copyToRoot', storePath, '--out', path.join(dir, 'image.tar.gz'), '--no-cache'])]);

console.log(`\n${files} files (${storePath})\n`);
console.log('| run | wall | CPU (user+sys) | peak RSS |\n| --- | --- | --- | --- |');
for (const [label, r] of rows) console.log(`| ${label} | ${r.wall.toFixed(2)} s | ${r.cpu?.toFixed(2) ?? '?'} s | ${r.rssMB?.toFixed(0) ?? '?'} MB |`);
fs.rmSync(dir, { recursive: true, force: true });
