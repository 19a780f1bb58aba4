// Which image of a manifest list / OCI index skopeo copies for `--override-os OS
// --override-arch ARCH` (containers/image `platform.WantedPlatforms` + `ChooseInstance`):
// candidates are (os, arch, variant) for variant = "" first, then the architecture's known
// variants from most to least capable; for each candidate in turn, the first entry of the
// list whose platform matches exactly (os, architecture, variant) wins. Entries without a
// platform never match.
//
// Versions differ slightly: skopeo 1.9 (containers/image 5.23) knows arm {v7, v6, v5}
// and arm64 {v8}; newer containers/image (what current nixpkgs' skopeo uses, so what
// users' hashes come from) knows arm {v8, v7, v6, v5}, arm64 {v8} and amd64 {v4, v3, v2}.
// We follow the newer table. The two choose differently only for a list with no plain
// entry for the architecture and an `arm/v8` (picked before `arm/v7` now) or only
// `amd64/vN` entries (which 1.9 does not pick at all).
// Newer containers/image also passes over instances annotated as zstd-compressed
// variants when a gzip instance for the same platform exists; so do we.

import type { Descriptor, Platform } from '../../registry/index.ts';

const VARIANTS: Record<string, readonly string[]> = {
  amd64: ['v4', 'v3', 'v2'],
  arm: ['v8', 'v7', 'v6', 'v5'],
  arm64: ['v8'],
};

/** containers/image's annotation on the zstd copy of an image in an index (podman/buildah push). */
const ZSTD_INSTANCE = 'io.github.containers.compression.zstd';

export interface WantedPlatform {
  os: string;
  architecture: string;
  variant: string;
}

export function wantedPlatforms(os: string, architecture: string): WantedPlatform[] {
  return ['', ...(VARIANTS[architecture] ?? [])].map((variant) => ({ os, architecture, variant }));
}

function matches(p: Platform | undefined, w: WantedPlatform): boolean {
  return !!p && p.os === w.os && p.architecture === w.architecture && (p.variant ?? '') === w.variant;
}

/** The entry skopeo would pick, or undefined when none matches. */
export function chooseInstance(manifests: readonly Descriptor[], os: string, architecture: string): Descriptor | undefined {
  for (const wanted of wantedPlatforms(os, architecture)) {
    const found = manifests.filter((m) => matches(m.platform, wanted));
    if (found.length) return found.find((m) => m.annotations?.[ZSTD_INSTANCE] !== 'true') ?? found[0];
  }
  return undefined;
}

export function describePlatforms(manifests: readonly Descriptor[]): string {
  const list = manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}` : '(no platform)'));
  return list.length ? list.join(', ') : 'none';
}
