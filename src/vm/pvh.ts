// Under TCG a bzImage spends ~3 s decompressing itself (xz, emulated). When
// the kernel has a PVH entry point (CONFIG_PVH, on in Debian's and nixpkgs'
// kernels), qemu boots the plain ELF vmlinux directly, so the host
// decompresses the bzImage payload once (gzip/zstd with node:zlib, xz with
// the xz tool) and keeps the result in a cache directory keyed by the
// bzImage's sha256. Anything unexpected: null, boot the bzImage.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const PT_NOTE = 4;
const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/** True when the ELF image carries Xen's PHYS32_ENTRY note: qemu can boot it as PVH. */
export function hasPvhNote(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) return false;
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || elf.readUInt32LE(ph) !== PT_NOTE) continue;
    const off = Number(elf.readBigUInt64LE(ph + 8));
    const size = Number(elf.readBigUInt64LE(ph + 32));
    let p = off;
    while (p + 12 <= off + size && p + 12 <= elf.length) {
      const namesz = elf.readUInt32LE(p);
      const descsz = elf.readUInt32LE(p + 4);
      const type = elf.readUInt32LE(p + 8);
      const name = elf.toString('latin1', p + 12, p + 12 + Math.max(0, namesz - 1));
      if (name === 'Xen' && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
      p += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

/** The vmlinux inside a bzImage, or null (old boot protocol, unknown compression, no xz tool). */
export function extractVmlinux(bz: Buffer): Buffer | null {
  if (bz.length < 0x250 || bz.toString('latin1', 0x202, 0x206) !== 'HdrS' || bz.readUInt16LE(0x206) < 0x208) return null;
  const setupSects = bz[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + bz.readUInt32LE(0x248);
  const payload = bz.subarray(start, start + bz.readUInt32LE(0x24c));
  try {
    if (payload[0] === 0x1f && payload[1] === 0x8b) return zlib.gunzipSync(payload);
    // zstd and xz payloads end with the kernel build's 4-byte size, which is not part of the stream.
    if (payload.readUInt32BE(0) === 0x28b52ffd) return zlib.zstdDecompressSync(payload.subarray(0, payload.length - 4));
    if (payload.toString('latin1', 0, 6) === '\xfd7zXZ\0') {
      return execFileSync('xz', ['-dc', '--single-stream'], { input: payload, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'ignore'] });
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * The cached PVH vmlinux of the kernel image `bz` (keyed by its sha256), made on
 * first use; null when this kernel cannot boot that way.
 */
export function pvhKernel(bz: Buffer): string | null {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = path.join(os.tmpdir(), `nix-docker-vm-${uid}`);
  const key = createHash('sha256').update(bz).digest('hex').slice(0, 32);
  const cached = path.join(dir, `${key}.vmlinux`);
  const none = path.join(dir, `${key}.none`);
  if (fs.existsSync(cached)) return cached;
  if (fs.existsSync(none)) return null;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const elf = extractVmlinux(bz);
  if (!elf || !hasPvhNote(elf)) {
    fs.writeFileSync(none, '');
    return null;
  }
  const tmp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, elf);
  fs.renameSync(tmp, cached);
  return cached;
}
