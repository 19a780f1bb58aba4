// writeNixDb on the real Nix: the database registers exactly the closure, reads back
// with sqlite3, and a Nix pointed at the image root sees (and verifies) the paths.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closureGraph } from '../src/nix/closure.ts';
import { NixPathError } from '../src/nix/errors.ts';
import { NIX_DB_REGISTRATION_TIME, nixDbPath, writeNixDb } from '../src/nix/nixDb.ts';
import type { StoreNode } from '../src/model.ts';
import { type NixFixtures, nixAvailable, nixFixtures, useOfflineNix } from './helpers/nixFixtures.ts';

const skip = nixAvailable() ? false : 'Nix is not installed';

/** Runs a query with the sqlite3 CLI; `immutable` so the reader leaves no -wal/-shm beside the file. */
function sqlite(db: string, sql: string): string[][] {
  const out = execFileSync('sqlite3', ['-separator', '\t', `file:${db}?immutable=1`, sql], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

describe('writeNixDb (real Nix)', { skip }, () => {
  let fx: NixFixtures;
  let tmp: string;
  let graph: StoreNode[];
  let closure: string[];
  before(async () => {
    useOfflineNix();
    fx = await nixFixtures();
    graph = await closureGraph([fx.hello, fx.nested]);
    closure = graph.map((n) => n.path);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-db-'));
  });
  after(() => {
    execFileSync('chmod', ['-R', 'u+w', tmp]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('registers exactly the closure, with its references, hashes and a fixed time', async () => {
    const root = path.join(tmp, 'image');
    await writeNixDb(closure, root, { gcRoots: [fx.hello, fx.nested] });
    const res = { dbPath: nixDbPath(root) };
    assert.equal(res.dbPath, path.join(root, 'nix/var/nix/db/db.sqlite'));

    const rows = sqlite(
      res.dbPath,
      'SELECT path, registrationTime, narSize, hash, ifnull(deriver, "") FROM ValidPaths ORDER BY path',
    );
    assert.deepEqual(
      rows.map((r) => r[0]),
      [...closure].sort(),
    );
    for (const [p, time, size, hash, deriver] of rows) {
      assert.equal(Number(time), NIX_DB_REGISTRATION_TIME, p);
      assert.equal(Number(size), graph.find((n) => n.path === p)!.narSize, p);
      assert.match(hash!, /^sha256:[0-9a-f]{64}$/);
      assert.equal(deriver, '', 'closureInfo registers no deriver');
    }

    const refs = sqlite(
      res.dbPath,
      'SELECT a.path, b.path FROM Refs JOIN ValidPaths a ON a.id = referrer ' +
        'JOIN ValidPaths b ON b.id = reference ORDER BY 1, 2',
    ).map((r) => `${r[0]} -> ${r[1]}`);
    const want = graph.flatMap((n) => n.references.map((r) => `${n.path} -> ${r}`)).sort();
    assert.deepEqual(refs, want);
    assert.ok(refs.length >= 3);
  });

  test('the state directory is what an image needs, and nothing of the build machine', () => {
    const state = path.join(tmp, 'image/nix/var/nix');
    assert.equal(fs.readFileSync(path.join(state, 'db/schema'), 'utf8').trim(), '10');
    assert.ok(!fs.existsSync(path.join(state, 'db/reserved')), '8 MiB placeholder removed');
    assert.ok(!fs.existsSync(path.join(state, 'db/db.sqlite-wal')));
    const gcRoots = fs.readdirSync(path.join(state, 'gcroots/docker')).sort();
    assert.deepEqual(gcRoots, [path.basename(fx.hello), path.basename(fx.nested)].sort());
    assert.equal(fs.readlinkSync(path.join(state, 'gcroots/docker', path.basename(fx.hello))), fx.hello);
    assert.equal(fs.readlinkSync(path.join(state, 'gcroots/profiles')), '/nix/var/nix/profiles');
    assert.deepEqual(fs.readdirSync(path.join(state, 'profiles/per-user')), []);
    assert.deepEqual(fs.readdirSync(path.join(state, 'gcroots/per-user')), []);
    assert.equal(fs.statSync(path.join(tmp, 'image/nix/store')).mode & 0o7777, 0o755);
  });

  test('a Nix using the image root sees the paths as valid, and verifies their contents', () => {
    const root = path.join(tmp, 'image');
    const store = path.join(root, fx.storeDir);
    for (const p of closure) execFileSync('cp', ['-a', p, store]);
    const env = { ...process.env, NIX_REMOTE: `local?root=${root}` };
    const query = (cmd: string, ...args: string[]): string[] =>
      execFileSync(cmd, args, { env, encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(query('nix-store', '--query', '--requisites', fx.hello, fx.nested), [...closure].sort());
    const info = query('nix', '--extra-experimental-features', 'nix-command', 'path-info', '--recursive', fx.hello);
    assert.deepEqual(info, [fx.hello, fx.libgreet, fx.busybox].sort());
    // exits non-zero when a registered path is missing or its contents hash differently
    execFileSync('nix-store', ['--verify', '--check-contents'], { env, stdio: 'pipe' });
  });

  test('the same closure gives the same database bytes', async () => {
    await writeNixDb(closure, path.join(tmp, 'a'));
    await writeNixDb([...closure].reverse(), path.join(tmp, 'b'));
    const digest = (root: string) => crypto.createHash('sha256').update(fs.readFileSync(nixDbPath(root))).digest('hex');
    assert.equal(digest(path.join(tmp, 'a')), digest(path.join(tmp, 'b')));
  });

  test('an incomplete closure, a stray GC root or an existing database is an error', async () => {
    await assert.rejects(writeNixDb([fx.hello], path.join(tmp, 'partial')), (e: unknown) => {
      assert.ok(e instanceof NixPathError);
      assert.deepEqual(e.paths.sort(), [fx.busybox, fx.libgreet].sort());
      assert.match(e.message, /closure is incomplete/);
      return true;
    });
    const stray = writeNixDb([fx.busybox], path.join(tmp, 'stray'), { gcRoots: [fx.hello] });
    await assert.rejects(stray, /GC roots outside/);
    await assert.rejects(writeNixDb(closure, path.join(tmp, 'image')), /already exists/);
  });

  test('an empty closure gives an empty, valid database', async () => {
    await writeNixDb([], path.join(tmp, 'empty'));
    assert.deepEqual(sqlite(nixDbPath(path.join(tmp, 'empty')), 'SELECT count(*) FROM ValidPaths'), [['0']]);
  });
});
