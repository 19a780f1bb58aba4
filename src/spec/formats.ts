// Strings Docker, registries or tar readers parse after us: refused before building when
// they would give an image that `docker load` or a registry rejects.

import type { StringFormat } from './attributes.ts';

// distribution/reference: a path component is lower-case alphanumerics joined by one
// separator (`.`, `_`, `__`, or dashes); a domain (with an optional port) may come first.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?';
const NAME = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const NAME_MAX = 255;

/** Go's GOARCH values (go/build's known list), which the OCI image spec names architectures by. */
export const ARCHITECTURES = [
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le',
  'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm',
] as const;

/** Why `value` is not of `format`, or undefined when it is. */
export function formatProblem(format: StringFormat, value: string): string | undefined {
  switch (format) {
    case 'imageName': {
      // dockerTools lower-cases the name (imageName = toLower name): so do we, then check it.
      const name = value.toLowerCase();
      if (name.length > NAME_MAX) return `is not an image name: longer than ${NAME_MAX} characters`;
      if (!NAME.test(name)) return `'${value}' is not an image name (letters, lower-cased as in dockerTools, digits and . _ - separators, components joined by /, an optional registry host first)`;
      return undefined;
    }
    case 'tag':
      if (value.length > 128) return `is not a tag: longer than 128 characters`;
      if (!TAG.test(value)) return `'${value}' is not a tag (letters, digits, _ . -, not starting with . or -)`;
      return undefined;
    case 'architecture':
      if (!(ARCHITECTURES as readonly string[]).includes(value)) return `'${value}' is not an architecture of the OCI image spec (Go's GOARCH: ${ARCHITECTURES.join(', ')})`;
      return undefined;
  }
}
