// The `annotations` input: docker/metadata-action's `annotations` output as is, one
// `[level:]key=value` per line, with buildx's levels (manifest, index, manifest-descriptor,
// index-descriptor). A line without a level annotates the manifest, as the build-push-action
// docs describe it. Platform selectors (`manifest[linux/amd64]:`) pick one image of a
// multi-platform build; this step pushes one image, so they are refused rather than
// applied to an image they may not name.

import type { PushAnnotations } from '../sinks/push.ts';
import { Input } from './constants.ts';
import { InputError } from './inputs.ts';

export interface ParsedAnnotations extends PushAnnotations {
  /** An OCI layout's index.json descriptor: a registry push has no place for them. */
  indexDescriptor: Record<string, string>;
}

const LEVELS = { manifest: 'manifest', index: 'index', 'manifest-descriptor': 'manifestDescriptor', 'index-descriptor': 'indexDescriptor' } as const;
// buildx's own pattern for the part before '=' (docker/buildx util/buildflags/annotations.go).
const KEY = /^(?:([a-z-]+)(?:\[([A-Za-z0-9_/,-]+)\])?:)?(\S+)$/;

export function parseAnnotations(text: string): ParsedAnnotations {
  const out: ParsedAnnotations = { manifest: {}, index: {}, manifestDescriptor: {}, indexDescriptor: {} };
  text.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) return;
    const fail = (why: string): never => {
      throw new InputError(Input.Annotations, `line ${i + 1}: ${why}, got '${l.length > 60 ? `${l.slice(0, 60)}…` : l}'`);
    };
    const eq = l.indexOf('=');
    if (eq <= 0) fail('expected [level:]key=value');
    const m = KEY.exec(l.slice(0, eq)) ?? fail('expected [level:]key=value with no spaces in the key');
    const [, level = 'manifest', platforms, key] = m;
    if (!Object.hasOwn(LEVELS, level)) fail(`unknown level '${level}' (expected ${Object.keys(LEVELS).join(', ')})`);
    if (platforms) fail(`platform selectors ([${platforms}]) are not supported: this step pushes one image, every annotation applies to it`);
    out[LEVELS[level as keyof typeof LEVELS]][key!] = l.slice(eq + 1);
  });
  return out;
}

export const isEmpty = (a: Record<string, string>) => Object.keys(a).length === 0;
