import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indexTar } from '../src/image/tarIndex.ts';

test('indexes GNU and pax long names, links, and data offsets', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarindex-'));
  const src = path.join(dir, 'src');
  const long = 'd'.repeat(120);
  fs.mkdirSync(path.join(src, long), { recursive: true });
  fs.writeFileSync(path.join(src, long, 'file.txt'), 'hello');
  fs.symlinkSync('../elsewhere', path.join(src, 'link'));
  for (const format of ['gnu', 'pax', 'ustar']) {
    const file = path.join(dir, `${format}.tar`);
    if (format === 'ustar') execFileSync('tar', ['--format=ustar', '-C', src, '-cf', file, 'link']);
    else execFileSync('tar', [`--format=${format}`, '--sort=name', '-C', src, '-cf', file, '.']);
    const ms = await indexTar(file);
    {
      const f = ms.find((m) => m.name === `${long}/file.txt`);
      if (format !== 'ustar') {
        assert.ok(f, `${format}: long name found`);
        assert.equal(fs.readFileSync(file).subarray(f.offset, f.offset + f.size).toString(), 'hello');
      }
      const l = ms.find((m) => m.name === 'link');
      assert.equal(l?.type, '2');
      assert.equal(l?.linkname, '../elsewhere');
    }
  }
});

test('rejects a corrupted header and a truncated archive', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarindex-'));
  fs.writeFileSync(path.join(dir, 'a'), 'x'.repeat(2000));
  const file = path.join(dir, 'a.tar');
  execFileSync('tar', ['-C', dir, '-cf', file, 'a']);
  const bytes = fs.readFileSync(file);
  const corrupt = Buffer.from(bytes);
  corrupt[10] = 0x41;
  fs.writeFileSync(path.join(dir, 'c.tar'), corrupt);
  await assert.rejects(indexTar(path.join(dir, 'c.tar')), /bad header checksum/);
  fs.writeFileSync(path.join(dir, 't.tar'), bytes.subarray(0, 1024));
  await assert.rejects(indexTar(path.join(dir, 't.tar')), /truncated/);
});
