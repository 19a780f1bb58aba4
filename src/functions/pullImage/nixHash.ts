// sha256 hashes as Nix writes them. A fixed-output hash (pullImage's `sha256`) may be
// given as Nix base-32 (52 characters, Nix's own alphabet and bit order), hex (64),
// base64 (44, as `nix hash to-base64` prints and the nixpkgs manual's examples use),
// SRI (`sha256-<base64>`), or any of the first three after `sha256:`. An empty string
// is Nix's "I don't know the hash yet": it never matches and the error shows the real one.

import { BASE32_CHARS, toNixBase32 } from '../../nix/base32.ts';

export { toNixBase32 };

export type HashFormat = 'base32' | 'hex' | 'base64' | 'sri';

export interface NixHash {
  /** The 32 bytes; empty for the empty (unknown) hash. */
  bytes: Buffer;
  /** How the user wrote it, so errors answer in the same form. */
  format: HashFormat;
  /** `sha256:` was written in front. */
  prefixed: boolean;
}

const SHA256_BYTES = 32;

export class InvalidHashError extends Error {
  override name = 'InvalidHashError';
}

export function fromNixBase32(text: string, size = SHA256_BYTES): Buffer {
  if (text.length !== Math.ceil((size * 8) / 5)) throw new InvalidHashError(`a Nix base-32 sha256 has ${Math.ceil((size * 8) / 5)} characters`);
  const out = Buffer.alloc(size);
  for (let n = 0; n < text.length; n++) {
    const digit = BASE32_CHARS.indexOf(text[text.length - n - 1]!);
    if (digit < 0) throw new InvalidHashError(`'${text[text.length - n - 1]}' is not a Nix base-32 digit`);
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    out[i] = out[i]! | ((digit << j) & 0xff);
    const carry = digit >> (8 - j);
    if (i + 1 < size) out[i + 1] = out[i + 1]! | carry;
    else if (carry) throw new InvalidHashError('Nix base-32 hash out of range');
  }
  return out;
}

/** Reads a sha256 in any form Nix accepts for a fixed-output hash. */
export function parseNixHash(input: string): NixHash {
  const text = input.trim();
  if (text === '') return { bytes: Buffer.alloc(0), format: 'sri', prefixed: false };
  if (text.startsWith('sha256-')) {
    const b64 = text.slice('sha256-'.length);
    const bytes = decodeBase64(b64);
    if (!bytes) throw new InvalidHashError(`'${input}' is not an SRI sha256 (sha256- and 44 base64 characters)`);
    return { bytes, format: 'sri', prefixed: false };
  }
  const m = /^([a-z0-9]+)[:-](.*)$/s.exec(text);
  if (m && m[1] !== 'sha256' && /^(md5|sha1|sha512|blake3)$/.test(m[1]!)) {
    throw new InvalidHashError(`'${input}' is a ${m[1]} hash; pullImage's hash is sha256`);
  }
  const prefixed = text.startsWith('sha256:');
  const body = prefixed ? text.slice('sha256:'.length) : text;
  if (/^[0-9a-fA-F]{64}$/.test(body)) return { bytes: Buffer.from(body, 'hex'), format: 'hex', prefixed };
  if (body.length === 52 && /^[0-9a-df-np-sv-z]+$/.test(body)) return { bytes: fromNixBase32(body), format: 'base32', prefixed };
  const b64 = decodeBase64(body);
  if (b64) return { bytes: b64, format: 'base64', prefixed };
  throw new InvalidHashError(
    `'${input}' is not a sha256 hash (Nix base-32 of 52 characters, 64 hex digits, 44 base64 characters, or SRI sha256-...)`,
  );
}

function decodeBase64(text: string): Buffer | undefined {
  if (text.length !== 44 || !/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Reject non-canonical trailing bits, as Nix does by round-tripping.
  return bytes.length === SHA256_BYTES && bytes.toString('base64') === text ? bytes : undefined;
}

/** `bytes` written as `format` (and `sha256:` in front when `prefixed`, except for SRI). */
export function formatNixHash(bytes: Uint8Array, format: HashFormat, prefixed = false): string {
  const buf = Buffer.from(bytes);
  const body = format === 'hex' ? buf.toString('hex') : format === 'base32' ? toNixBase32(buf) : buf.toString('base64');
  if (format === 'sri') return `sha256-${body}`;
  return prefixed ? `sha256:${body}` : body;
}

/** The hash as the user wrote it, normalised (for "specified: ..." in errors). */
export function showNixHash(h: NixHash): string {
  return h.bytes.length === 0 ? '""' : formatNixHash(h.bytes, h.format, h.prefixed);
}
