// Nix's base-32 (store path hashes, sha256 in Nix expressions).

/** Nix's base-32 alphabet (no e, o, u, t). */
export const BASE32_CHARS = '0123456789abcdfghijklmnpqrsvwxyz';

/** Nix base-32: the last character holds the lowest bits of the first byte. */
export function toNixBase32(bytes: Uint8Array): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = (bytes[i]! >> j) | (i + 1 < bytes.length ? bytes[i + 1]! << (8 - j) : 0);
    out += BASE32_CHARS[c & 0x1f];
  }
  return out;
}
