// Content digests: everything received from a registry is checked against the digest
// it is addressed by, and everything sent is named by the sha256 of its exact bytes.

import { createHash, type Hash } from 'node:crypto';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value);
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The bytes a blob or manifest arrived with do not hash to the digest it was asked for by. */
export class DigestMismatchError extends Error {
  override name = 'DigestMismatchError';
  readonly expected: string;
  readonly actual: string;
  constructor(what: string, expected: string, actual: string) {
    super(`${what}: content has digest ${actual}, expected ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A running digest over a byte stream (sha256, or sha512 when verifying such a digest). */
export class Digester {
  readonly #hash: Hash;
  readonly #algorithm: string;
  size = 0;
  constructor(algorithm = 'sha256') {
    this.#algorithm = algorithm;
    this.#hash = createHash(algorithm);
  }
  static for(digest: string | undefined): Digester {
    return new Digester(digest?.startsWith('sha512:') ? 'sha512' : 'sha256');
  }
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
  }
  digest(): string {
    return `${this.#algorithm}:${this.#hash.digest('hex')}`;
  }
}

/**
 * Passes `source` through, hashing it; after the last chunk it checks the digest (and
 * size, when given) and throws `DigestMismatchError` instead of ending normally, so a
 * consumer never mistakes corrupt content for complete content.
 */
export async function* verified(
  source: AsyncIterable<Uint8Array>,
  what: string,
  expected: string,
  size?: number,
): AsyncGenerator<Uint8Array> {
  const d = Digester.for(expected);
  for await (const chunk of source) {
    d.update(chunk);
    if (size !== undefined && d.size > size) throw new Error(`${what}: more than the expected ${size} bytes`);
    yield chunk;
  }
  const actual = d.digest();
  if (actual !== expected) throw new DigestMismatchError(what, expected, actual);
  if (size !== undefined && d.size !== size) throw new Error(`${what}: ${d.size} bytes, expected ${size}`);
}
