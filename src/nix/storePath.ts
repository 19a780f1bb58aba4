// Store path syntax, with no I/O: recognising `<storeDir>/<hash>-<name>`, cutting a
// path below a store path back to the store path, and finding every store path a JSON
// value mentions (what Nix's string context gives dockerTools for the image config).

/** Nix's base-32 alphabet (no e, o, t, u); a store path hash is 32 of these. */
const HASH = '[0-9a-df-np-sv-z]{32}';
/** Characters Nix allows in a store path name. */
const NAME = "[A-Za-z0-9+\\-._?=]+";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches store paths anywhere in a string (global). */
export function storePathPattern(storeDir: string): RegExp {
  return new RegExp(`${escapeRegExp(storeDir)}/${HASH}-${NAME}`, 'g');
}

/**
 * The store path that `path` is, or lies below (`/nix/store/x-hello/bin/hello` →
 * `/nix/store/x-hello`); undefined when `path` is not inside the store.
 */
export function toStorePath(path: string, storeDir: string): string | undefined {
  if (!path.startsWith(`${storeDir}/`)) return undefined;
  const base = path.slice(storeDir.length + 1).split('/')[0] ?? '';
  if (!new RegExp(`^${HASH}-${NAME}$`).test(base) || base.startsWith('.')) return undefined;
  return `${storeDir}/${base}`;
}

export function isStorePath(path: string, storeDir: string): boolean {
  return toStorePath(path, storeDir) === path;
}

/** A store path or a base name (`<hash>-<name>`, as newer Nix prints them) as an absolute store path. */
export function absoluteStorePath(pathOrBase: string, storeDir: string): string {
  return pathOrBase.startsWith('/') ? pathOrBase : `${storeDir}/${pathOrBase}`;
}

/**
 * Every store path mentioned in any string inside `value` (array items, object values and
 * object keys, at any depth), each cut at its first `/` below the store path. Unique, in
 * order of first mention. Pure: whether the paths are valid is `requireValidPaths`' job.
 */
export function storePathsInValue(value: unknown, storeDir: string): string[] {
  const pattern = storePathPattern(storeDir);
  const found = new Set<string>();
  const scan = (s: string): void => {
    for (const m of s.matchAll(pattern)) found.add(m[0]);
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string') scan(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        scan(k);
        walk(x);
      }
    }
  };
  walk(value);
  return [...found];
}

/** Unique values in first-seen order. */
export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
