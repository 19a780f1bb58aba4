// The validity-registration text that `nix-store --dump-db` prints and `nix-store
// --load-db` reads (also closureInfo's `registration` file in nixpkgs). Per path:
//
//   <store path>\n<NAR hash>\n<NAR size>\n<deriver or empty>\n<n>\n<n reference lines>
//
// Pure: parsing and printing only.

export interface RegistrationEntry {
  path: string;
  narHash: string;
  narSize: number;
  /** Empty when unknown (closureInfo always leaves it empty). */
  deriver: string;
  references: string[];
}

export function parseRegistration(text: string): RegistrationEntry[] {
  const ls = text.split('\n');
  if (ls.at(-1) === '') ls.pop();
  const entries: RegistrationEntry[] = [];
  let i = 0;
  const next = (what: string): string => {
    const l = ls[i++];
    if (l === undefined) throw new Error(`truncated Nix registration: expected ${what} at line ${i}`);
    return l;
  };
  while (i < ls.length) {
    const path = next('a store path');
    const narHash = next('a NAR hash');
    const narSize = Number(next('a NAR size'));
    const deriver = next('a deriver');
    const count = Number(next('a reference count'));
    if (!path.startsWith('/') || !Number.isSafeInteger(narSize) || !Number.isSafeInteger(count)) {
      throw new Error(`malformed Nix registration entry for ${JSON.stringify(path)}`);
    }
    const references: string[] = [];
    for (let k = 0; k < count; k++) references.push(next('a reference'));
    entries.push({ path, narHash, narSize, deriver, references });
  }
  return entries;
}

export function formatRegistration(entries: readonly RegistrationEntry[]): string {
  return entries
    .map((e) =>
      [e.path, e.narHash, String(e.narSize), e.deriver, String(e.references.length), ...e.references]
        .map((l) => `${l}\n`)
        .join(''),
    )
    .join('');
}
