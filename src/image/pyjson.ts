// JSON text exactly as Python's `json.dumps(value, indent=4)` writes it, so the image
// config and manifest.json we write hash the same as the ones nixpkgs' streamer writes.

export function pythonJson(value: unknown, indent = 4): string {
  return encode(value, indent, 0);
}

function encode(v: unknown, indent: number, depth: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot encode ${v} as JSON`);
    return String(v);
  }
  if (typeof v === 'string') return quote(v);
  const pad = '\n' + ' '.repeat(indent * (depth + 1));
  const end = '\n' + ' '.repeat(indent * depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + pad + v.map((x) => encode(x, indent, depth + 1)).join(',' + pad) + end + ']';
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return '{' + pad + entries.map(([k, x]) => `${quote(k)}: ${encode(x, indent, depth + 1)}`).join(',' + pad) + end + '}';
}

// ensure_ascii: everything outside ' '..'~' is escaped; astral characters as surrogate pairs
// (JS strings already hold UTF-16 units, which is exactly what Python prints).
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** Sorts object keys recursively, as Nix's builtins.toJSON does for attribute sets. */
export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort(byBytes)) out[k] = sortKeysDeep(src[k]);
  return out;
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
