// How CPython sees a file name, for the python-pax dialect.
//
// Python decodes file names from the file system as UTF-8 with
// `surrogateescape`: each valid UTF-8 sequence becomes one code point and each
// byte that is not part of one becomes one lone surrogate (U+DC80..U+DCFF).
// tarfile then encodes header fields with `ascii`/`replace` (one `?` per code
// point), and pathlib sorts paths by comparing those code point strings
// component by component. These helpers reproduce both on raw bytes.

import { isUtf8 } from 'node:buffer';

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if none starts there. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean =>
    j < b.length && b[j]! >= lo && b[j]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** True when every byte is 7-bit ASCII. */
export function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** `name.encode('ascii', 'replace')` of the surrogateescape-decoded bytes. */
export function asciiReplace(b: Uint8Array): Uint8Array {
  if (isAscii(b)) return b;
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceAt(b, i);
    out.push(n === 1 ? b[i]! : 0x3f);
    i += n === 0 ? 1 : n;
  }
  return Uint8Array.from(out);
}

/** The code points Python's surrogateescape decoding gives for `b`. */
export function pythonCodePoints(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceAt(b, i);
    if (n === 0) {
      out.push(0xdc00 + b[i]!);
      i += 1;
      continue;
    }
    let cp = n === 1 ? b[i]! : b[i]! & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) cp = (cp << 6) | (b[i + k]! & 0x3f);
    out.push(cp);
    i += n;
  }
  return out;
}

/**
 * Orders two path components as Python orders the decoded strings. For valid
 * UTF-8 that is plain byte order (UTF-8 preserves code point order); bytes that
 * need a surrogate escape sort as U+DC80..U+DCFF.
 */
export function comparePythonNames(a: Uint8Array, b: Uint8Array): number {
  if (isUtf8(a) && isUtf8(b)) return Buffer.compare(a, b);
  const x = pythonCodePoints(a);
  const y = pythonCodePoints(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
