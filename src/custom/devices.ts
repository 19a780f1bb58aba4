// Device nodes that fakeroot faked. `mknod` under fakeroot leaves an empty
// regular file on disk and records the node in the daemon, so GNU tar run
// inside fakeroot writes a char/block member. planDirectoryTar reads types
// from the disk, so its member for such a path is an empty file; a GNU
// header for an empty file and one for a device differ only in the type
// flag, the devmajor/devminor fields (NUL-filled for files, "%07o\0" for
// devices) and the checksum, and take the same blocks. This rewrites those
// header blocks as the stream passes; the archive's size does not change.

import type { PlannedTar } from '../model.ts';
import { CustomisationError } from './errors.ts';
import type { FakedDevice } from './fakerootView.ts';

const BLOCK = 512;

function octalField(value: number, width: number): Buffer {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new CustomisationError(`device number ${value} does not fit a tar header`);
  return Buffer.from(`${digits.padStart(width - 1, '0')}\0`, 'latin1');
}

function readSize(block: Buffer): number {
  const field = block.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = 0n;
    for (let i = 1; i < field.length; i++) n = (n << 8n) | BigInt(field[i]!);
    return Number(n);
  }
  const text = field.toString('latin1').replace(/[\0 ].*$/s, '');
  return text === '' ? 0 : parseInt(text, 8);
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
}

/** Rewrites an empty file's GNU header block in place as the device `dev`. */
export function patchDeviceHeader(block: Buffer, dev: FakedDevice): void {
  block[156] = dev.type === 'char' ? 0x33 : 0x34;
  octalField(dev.major, 8).copy(block, 329);
  octalField(dev.minor, 8).copy(block, 337);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  Buffer.from(`${sum.toString(8).padStart(6, '0')}\0 `, 'latin1').copy(block, 148);
}

/** `tar` with the members named in `devices` ("./dev/null") turned into device nodes. */
export function withDevices(tar: PlannedTar, devices: ReadonlyMap<string, FakedDevice>): PlannedTar {
  if (devices.size === 0) return tar;
  return {
    size: tar.size,
    async *chunks() {
      let carry: Buffer = Buffer.alloc(0);
      let skip = 0; // content bytes (padded) still to pass before the next header
      let longName: string | null = null;
      let done = false;
      for await (const chunk of tar.chunks()) {
        const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const buf = carry.length > 0 ? Buffer.concat([carry, view]) : view;
        let pos = 0;
        while (!done && pos < buf.length) {
          if (skip > 0) {
            const n = Math.min(skip, buf.length - pos);
            pos += n;
            skip -= n;
            continue;
          }
          if (buf.length - pos < BLOCK) break;
          const block = buf.subarray(pos, pos + BLOCK);
          if (block.every((b) => b === 0)) {
            done = true;
            break;
          }
          const type = block[156];
          const size = readSize(block);
          const padded = Math.ceil(size / BLOCK) * BLOCK;
          if (type === 0x4c /* L */) {
            if (buf.length - pos < BLOCK + padded) break; // wait for the whole name
            longName = cString(buf.subarray(pos + BLOCK, pos + BLOCK + size));
            pos += BLOCK + padded;
            continue;
          }
          if (type === 0x4b /* K */) {
            skip = padded;
            pos += BLOCK;
            continue;
          }
          const name = longName ?? cString(block.subarray(0, 100));
          longName = null;
          const dev = devices.get(name);
          if (dev !== undefined) {
            if (type !== 0x30 || size !== 0) {
              throw new CustomisationError(`${name}: expected an empty file to turn into a device`);
            }
            patchDeviceHeader(block, dev);
          }
          skip = padded;
          pos += BLOCK;
        }
        const ready = done ? buf.length : pos;
        // Copied: a chunk is only valid until the next one is asked for (see PlannedTar).
        carry = Buffer.from(buf.subarray(ready));
        if (ready > 0) yield buf.subarray(0, ready);
      }
      if (carry.length > 0) yield carry;
    },
  };
}
