// JSON as Go's encoding/json writes it, for the few documents skopeo's docker-archive
// writer produces (manifest.json, repositories, the legacy per-layer `json`):
// - maps are written with their keys sorted (byte order), structs in field order;
// - strings escape `"` `\`, control characters, and — json.Marshal's default HTML
//   escaping — `<` `>` `&` and U+2028/U+2029 as \u003c \u003e \u0026 \u2028 \u2029;
// - a json.RawMessage (how skopeo carries values over from the image config) is written
//   compacted: whitespace outside strings dropped, the same HTML escaping applied inside
//   strings, everything else — key order, number spelling, existing escapes — kept as is.

/** A json.RawMessage: JSON text written compacted (see goCompact). */
export class RawJson {
  readonly raw: string;
  constructor(raw: string) {
    this.raw = raw;
  }
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Go's string encoding with HTML escaping. Other control characters become \u00XX (Go
 * before 1.22 also wrote \b and \f that way; newer Go writes \b and \f — they cannot
 * occur in the strings we encode, which are image references and hex digests).
 */
export function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (ch < ' ' || ch === '<' || ch === '>' || ch === '&' || ch === '\u2028' || ch === '\u2029') {
      out += `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
    } else if (ch.length === 1 && ch >= '\ud800' && ch <= '\udfff') out += '\\ufffd'; // a lone surrogate: invalid UTF-8 in Go
    else out += ch;
  }
  return `${out}"`;
}

/** Go's json.Compact with HTML escaping, as applied to a json.RawMessage on output. */
export function goCompact(raw: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === '\\') {
        out += c + raw[i + 1]!;
        i++;
        continue;
      }
      if (c === '"') inString = false;
      out += c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : c === '&' ? '\\u0026' : c === '\u2028' ? '\\u2028' : c === '\u2029' ? '\\u2029' : c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') inString = true;
    out += c;
  }
  return out;
}

type GoValue = string | RawJson | null | readonly GoValue[] | { readonly [k: string]: GoValue };

function encode(v: GoValue, sortKeys: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goString(v);
  if (Array.isArray(v)) return `[${v.map((x) => encode(x, sortKeys)).join(',')}]`;
  if (v instanceof RawJson) return goCompact(v.raw);
  const obj = v as { readonly [k: string]: GoValue };
  const keys = Object.keys(obj);
  if (sortKeys) keys.sort(compareBytes);
  return `{${keys.map((k) => `${goString(k)}:${encode(obj[k]!, sortKeys)}`).join(',')}}`;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** json.Marshal of Go maps (keys sorted) holding strings, raw messages, nested maps. */
export function goMarshalMap(v: { readonly [k: string]: GoValue }): string {
  return encode(v, true);
}

/** json.Marshal of Go structs: keys in the order given. */
export function goMarshalStruct(v: GoValue): string {
  return encode(v, false);
}

/**
 * The members of a top-level JSON object as raw value texts, as Go's json.Unmarshal into
 * `map[string]*json.RawMessage` sees them: keys unescaped, a later duplicate key wins.
 * Throws unless `text` is a JSON object.
 */
export function rawMembers(text: string): Map<string, string> {
  JSON.parse(text); // validity (Go's Unmarshal checks the whole document first)
  const out = new Map<string, string>();
  let i = skipWs(text, 0);
  if (text[i] !== '{') throw new Error('the image config is not a JSON object');
  i = skipWs(text, i + 1);
  if (text[i] === '}') return out;
  for (;;) {
    const keyEnd = endOfString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // ':'
    const valueEnd = endOfValue(text, i);
    out.set(key, text.slice(i, valueEnd));
    i = skipWs(text, valueEnd);
    if (text[i] === '}') return out;
    i = skipWs(text, i + 1); // ','
  }
}

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** `text[i]` is `"`: the index after the closing quote. */
function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  throw new Error('unterminated string');
}

/** The index after the JSON value starting at `i` (the document is known to be valid). */
function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = endOfString(text, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new Error('unterminated JSON value');
  }
  let j = i;
  while (j < text.length && !/[\s,}\]]/.test(text[j]!)) j++;
  return j;
}
