// Target platforms: build-push-action's `platforms` syntax (`linux/amd64,linux/arm64`,
// `linux/arm/v7`) → the OCI platform an image config and an index entry carry, and the
// Nix system its store paths are built for. Nix system names (`aarch64-linux`) are taken
// too, since that is what Nix users write. Pure.
//
// Normalised as containerd does, so our index entries match what `docker pull
// --platform` asks for: `arm64/v8` is `arm64` (v8 is the only arm64 variant in use),
// `arm` alone is `arm/v7`.

export interface TargetPlatform {
  os: 'linux';
  /** Go's GOARCH name, as OCI uses it. */
  architecture: string;
  variant?: string;
  /** Nix's name for the platform (`x86_64-linux`). */
  system: string;
}

/** GOARCH[/variant] → Nix system (Linux only: Nix images are Linux images). */
const SYSTEMS: Record<string, string> = {
  amd64: 'x86_64-linux',
  arm64: 'aarch64-linux',
  'arm/v7': 'armv7l-linux',
  'arm/v6': 'armv6l-linux',
  '386': 'i686-linux',
  ppc64le: 'powerpc64le-linux',
  s390x: 's390x-linux',
  riscv64: 'riscv64-linux',
  loong64: 'loongarch64-linux',
  mips64le: 'mips64el-linux',
};

const BY_SYSTEM = new Map(Object.entries(SYSTEMS).map(([arch, system]) => [system, arch]));

/** A bad `platforms` value; the message is one line naming the entry. */
export class PlatformError extends Error {
  override name = 'PlatformError';
}

/** One entry: `linux/arm64`, `linux/arm/v7`, `arm64`, or a Nix system (`aarch64-linux`). */
export function parsePlatform(text: string): TargetPlatform {
  const s = text.trim().toLowerCase();
  const fromSystem = BY_SYSTEM.get(s);
  if (fromSystem) return make(fromSystem);
  const parts = s.split('/');
  if (parts.length === 1) parts.unshift('linux');
  const [os, arch, variant, ...rest] = parts;
  if (rest.length > 0 || !os || !arch) throw new PlatformError(`'${text}': expected os/architecture[/variant], e.g. linux/arm64`);
  if (os !== 'linux') throw new PlatformError(`'${text}': only linux images can be built from Nix store paths`);
  let key = arch;
  if (arch === 'arm64' || arch === 'aarch64') key = variant === undefined || variant === 'v8' ? 'arm64' : `arm64/${variant}`;
  else if (arch === 'arm') key = `arm/${variant ?? 'v7'}`;
  else if (arch === 'x86_64' || arch === 'x86-64') key = variant === undefined ? 'amd64' : `amd64/${variant}`;
  else if (variant !== undefined) key = `${arch}/${variant}`;
  if (!SYSTEMS[key]) throw new PlatformError(`'${text}': unknown platform; known: ${Object.keys(SYSTEMS).map((k) => `linux/${k}`).join(', ')}`);
  return make(key);
}

/** A list as build-push-action takes it: comma- or newline-separated; duplicates are an error. */
export function parsePlatforms(text: string | readonly string[]): TargetPlatform[] {
  const items = (typeof text === 'string' ? [text] : text).flatMap((t) => t.split(/[,\n]/)).map((t) => t.trim()).filter((t) => t !== '');
  if (items.length === 0) throw new PlatformError('no platform given');
  const out: TargetPlatform[] = [];
  for (const item of items) {
    const p = parsePlatform(item);
    if (out.some((o) => o.system === p.system)) throw new PlatformError(`'${item}': ${platformName(p)} is listed twice`);
    out.push(p);
  }
  return out;
}

/** `linux/arm/v7`. */
export function platformName(p: { os: string; architecture: string; variant?: string }): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** The platform of the machine we run on (`process.arch`), for `load`. */
export function hostPlatform(arch: string = process.arch): TargetPlatform {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
  return make(map[arch] ?? arch);
}

/** An installable for one platform: `{system}` is replaced by its Nix system (`.#packages.{system}.app`). */
export function installableFor(item: string, p: TargetPlatform): string {
  return item.replaceAll('{system}', p.system);
}

function make(key: string): TargetPlatform {
  const [architecture, variant] = key.split('/') as [string, string | undefined];
  return { os: 'linux', architecture, ...(variant ? { variant } : {}), system: SYSTEMS[key] ?? `${architecture}-linux` };
}
