// Builds the committed bundles: tsc emits ESM JavaScript to lib/ (rewriting the `.ts`
// import extensions), then ncc bundles each entry with its dependencies into dist/.
// `--check` rebuilds into a temporary dir and fails when dist/ differs (CI runs this).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const entries = JSON.parse(fs.readFileSync(path.join(root, 'scripts/entries.json'), 'utf8'));
const bin = (name) => path.join(root, 'node_modules/.bin', name);

execFileSync(process.execPath, [path.join(root, 'scripts/action-yml.ts'), ...(check ? ['--check'] : [])], { cwd: root, stdio: 'inherit' });
fs.rmSync(path.join(root, 'lib'), { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });

const outRoot = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'nix-docker-dist-')) : path.join(root, 'dist');
for (const [name, entry] of Object.entries(entries)) {
  const out = path.join(outRoot, name);
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(bin('ncc'), ['build', path.join('lib', entry), '-o', out, '--quiet', '--target', 'es2023'], { cwd: root, stdio: 'inherit' });
}

if (check) {
  const diff = [];
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
  const rel = (base) => new Set(fs.existsSync(base) ? walk(base).map((f) => path.relative(base, f)) : []);
  const built = rel(outRoot);
  const committed = rel(path.join(root, 'dist'));
  for (const f of new Set([...built, ...committed])) {
    const a = path.join(outRoot, f);
    const b = path.join(root, 'dist', f);
    if (!fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b))) diff.push(f);
  }
  fs.rmSync(outRoot, { recursive: true, force: true });
  if (diff.length) {
    console.error(`dist/ does not match a fresh build (run npm run build and commit): ${diff.join(', ')}`);
    process.exit(1);
  }
  console.log('dist/ matches a fresh build');
}
