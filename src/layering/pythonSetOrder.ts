// The order in which CPython iterates a set of frozensets of strings, as nixpkgs'
// auto-layer.py sees it. nixpkgs runs that script with PYTHONHASHSEED=0 (the python
// setup hook, pkgs/development/interpreters/python/setup-hook.sh, exports it), which
// turns hash randomisation off: the SipHash key is all zeroes, so string hashes, and the
// order of `set(layer_split.values())`, are the same on every run and every machine.
//
// Reproduced from CPython (3.11 to 3.13 agree; checked against them running
// auto-layer.py, see test/layering-ties.test.ts):
// - Python/pyhash.c: str hash = siphash13(k0 = 0, k1 = 0, the string's code units at
//   its storage width, little-endian); "" hashes to 0 and -1 becomes -2.
// - Objects/setobject.c, frozenset_hash: XOR of _shuffle_bits(h) over the elements,
//   mixed with the size; independent of insertion order.
// - Objects/setobject.c, set_add_entry / set_insert_clean / set_table_resize: open
//   addressing from `hash & mask`, 9 linear probes then perturbed jumps, a table of 8
//   slots that grows to the smallest power of two above 4 × used once fill × 5 ≥ mask × 3.
//   Iteration walks the slots in index order.

const M64 = (1n << 64n) - 1n;

const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M64;

function siphash13Zero(bytes: Uint8Array): bigint {
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & M64;
    v2 = (v2 + v3) & M64;
    v1 = rotl(v1, 13n) ^ v0;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v1) & M64;
    v0 = (v0 + v3) & M64;
    v1 = rotl(v1, 17n) ^ v2;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = rotl(v2, 32n);
  };
  const word = (at: number, length: number): bigint => {
    let w = 0n;
    for (let k = length - 1; k >= 0; k--) w = (w << 8n) | BigInt(bytes[at + k]!);
    return w;
  };
  const whole = bytes.length - (bytes.length % 8);
  for (let at = 0; at < whole; at += 8) {
    const m = word(at, 8);
    v3 ^= m;
    round();
    v0 ^= m;
  }
  const b = ((BigInt(bytes.length) << 56n) | word(whole, bytes.length - whole)) & M64;
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  round();
  return v0 ^ v1 ^ v2 ^ v3;
}

/** The bytes CPython hashes for a str: its code points at the narrowest width holding them all. */
function storageBytes(s: string): Uint8Array {
  const points = [...s].map((c) => c.codePointAt(0)!);
  const max = points.reduce((m, p) => Math.max(m, p), 0);
  const width = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const out = new Uint8Array(points.length * width);
  points.forEach((p, i) => {
    for (let k = 0; k < width; k++) out[i * width + k] = (p >> (8 * k)) & 0xff;
  });
  return out;
}

/** hash(s) in CPython with PYTHONHASHSEED=0, as an unsigned 64-bit value. */
export function pythonStrHash(s: string): bigint {
  if (s.length === 0) return 0n;
  const h = siphash13Zero(storageBytes(s));
  return h === M64 ? M64 - 1n : h;
}

const shuffleBits = (h: bigint): bigint => (((h ^ 89869747n) ^ (h << 16n)) * 3644798167n) & M64;

/** hash(frozenset(members)) in CPython with PYTHONHASHSEED=0, unsigned 64-bit. */
export function pythonFrozensetHash(members: readonly string[]): bigint {
  let h = 0n;
  for (const m of members) h ^= shuffleBits(pythonStrHash(m));
  h ^= (BigInt(members.length + 1) * 1927868237n) & M64;
  h ^= (h >> 11n) ^ (h >> 25n);
  h = (h * 69069n + 907133923n) & M64;
  return h === M64 ? 590923713n : h;
}

const LINEAR_PROBES = 9;
const PERTURB_SHIFT = 5n;

interface Slot {
  readonly key: string;
  readonly hash: bigint;
}

/** Inserts into a slot known to be free of `key` (set_insert_clean's probe sequence). */
function insertClean(table: (Slot | undefined)[], slot: Slot): void {
  const mask = table.length - 1;
  let perturb = slot.hash;
  let i = Number(slot.hash & BigInt(mask));
  for (;;) {
    const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
    for (let j = 0; j <= probes; j++) {
      if (table[i + j] === undefined) {
        table[i + j] = slot;
        return;
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = Number((BigInt(i) * 5n + 1n + perturb) & BigInt(mask));
  }
}

/**
 * The iteration order of a CPython set built by adding `items` one by one (duplicates,
 * by `key`, are no-ops), each with its Python hash. Only insertions: no dummy slots.
 */
export function pythonSetOrder<T>(items: readonly T[], key: (item: T) => string, hash: (item: T) => bigint): T[] {
  let table: (Slot | undefined)[] = new Array(8).fill(undefined);
  let used = 0;
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (byKey.has(k)) continue;
    byKey.set(k, item);
    insertClean(table, { key: k, hash: hash(item) });
    used++;
    const mask = table.length - 1;
    if (used * 5 >= mask * 3) {
      const minUsed = used > 50000 ? used * 2 : used * 4;
      let size = 8;
      while (size <= minUsed) size *= 2;
      const old = table;
      table = new Array(size).fill(undefined);
      for (const slot of old) if (slot) insertClean(table, slot);
    }
  }
  return table.filter((s): s is Slot => s !== undefined).map((s) => byKey.get(s.key)!);
}
