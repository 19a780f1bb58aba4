// The documented dockerTools attributes, as data: one table serves validation,
// the CLI's flag parsing, the action's inputs and the docs.

export type Kind =
  | { type: 'string'; nullable?: boolean; nonEmpty?: boolean; format?: StringFormat }
  | { type: 'int'; min?: number; max?: number; nullable?: boolean }
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'paths'; minItems?: number } // a path or a list of paths/installables
  | { type: 'path'; nullable?: boolean }
  | { type: 'object'; nullable?: boolean }
  | { type: 'time' } // ISO-8601 or "now"
  | { type: 'json' }; // any JSON value (validated by its consumer)

/**
 * Strings that end up where Docker or the kernel parse them (checked by src/spec/formats.ts):
 * an image name and a tag (the reference grammar), an architecture (Go's GOARCH names, as
 * the OCI image spec asks).
 */
export type StringFormat = 'imageName' | 'tag' | 'architecture';

/** The largest uid/gid Linux gives a file (2^32 - 1 is "no id"); tar writes it in a pax record or base-256. */
export const ID_MAX = 2 ** 32 - 2;

export interface Attribute {
  kind: Kind;
  default?: unknown;
  required?: boolean;
  doc: string;
}

const str = (doc: string, def = ''): Attribute => ({ kind: { type: 'string' }, default: def, doc });
const bool = (doc: string, def = false): Attribute => ({ kind: { type: 'bool' }, default: def, doc });
const time = (doc: string): Attribute => ({ kind: { type: 'time' }, default: '1970-01-01T00:00:01Z', doc });

export const COMPRESSORS = ['none', 'gz', 'zstd'] as const;
export type Compressor = (typeof COMPRESSORS)[number];

const common = {
  name: { kind: { type: 'string', nonEmpty: true, format: 'imageName' }, required: true, doc: 'The name of the generated image.' },
  tag: {
    kind: { type: 'string', nullable: true, nonEmpty: true, format: 'tag' },
    default: null,
    doc: 'Tag of the generated image; null derives a tag from the image content.',
  },
  fromImage: {
    kind: { type: 'path', nullable: true },
    default: null,
    doc: 'A docker-archive (plain, gz or zstd) of the base image.',
  },
  config: {
    kind: { type: 'object', nullable: true },
    default: null,
    doc: 'The image config (Cmd, Env, ExposedPorts, ...); store paths in it join the image.',
  },
  architecture: { kind: { type: 'string', nonEmpty: true, format: 'architecture' }, default: null, doc: 'Image architecture in Go GOARCH naming; default: the host.' },
  created: time('Creation time: ISO-8601 or "now".'),
  compressor: { kind: { type: 'enum', values: COMPRESSORS }, default: 'gz', doc: 'Compression: none, gz or zstd.' },
  includeNixDB: bool('Add the Nix database of the closure at /nix/var/nix/db.'),
  meta: { kind: { type: 'object', nullable: true }, default: null, doc: 'Derivation metadata (accepted, no effect on the image).' },
} satisfies Record<string, Attribute>;

const layered = {
  ...common,
  contents: { kind: { type: 'paths' }, default: [], doc: 'Store paths symlinked into the root (symlinkJoin); their closure goes into store layers.' },
  mtime: time('Modification time of files in the store layers: ISO-8601 or "now".'),
  uid: { kind: { type: 'int', min: 0, max: ID_MAX }, default: 0, doc: 'Owner uid of store files.' },
  gid: { kind: { type: 'int', min: 0, max: ID_MAX }, default: 0, doc: 'Owner gid of store files.' },
  uname: str('Owner user name of store files.', 'root'),
  gname: str('Owner group name of store files.', 'root'),
  maxLayers: { kind: { type: 'int', min: 2, max: 125 }, default: 100, doc: 'Maximum number of layers, base layers included.' },
  extraCommands: str('Bash script run in the customisation layer directory.'),
  fakeRootCommands: str('Bash script run under fakeroot in the customisation layer.'),
  enableFakechroot: bool('Run fakeRootCommands in a proot chroot of the layer.'),
  includeStorePaths: bool('Put the closure into store layers.', true),
  layeringPipeline: {
    kind: { type: 'json' },
    default: null,
    doc: 'Layering: "popularity", "auto", or a nixpkgs layering pipeline (JSON array of steps).',
  },
  passthru: { kind: { type: 'object', nullable: true }, default: null, doc: 'Passthru attributes (reported in --json).' },
  debug: bool('Print layering details.'),
} satisfies Record<string, Attribute>;

// buildImage takes exactly the documented arguments (nixpkgs' buildImage has no `...`).
const { meta: _meta, ...buildImageCommon } = common;
const buildImage = {
  ...buildImageCommon,
  fromImageName: {
    kind: { type: 'string', nullable: true, nonEmpty: true },
    default: null,
    doc: 'With fromImageTag: which image of a multi-image fromImage archive to build on (default: the first).',
  },
  fromImageTag: {
    kind: { type: 'string', nullable: true, nonEmpty: true },
    default: null,
    doc: 'With fromImageName: which image of a multi-image fromImage archive to build on (default: the first).',
  },
  copyToRoot: {
    kind: { type: 'paths' },
    default: null,
    doc: 'Directories (store paths, installables) whose contents are copied into / of the new layer; their references join it.',
  },
  keepContentsDirlinks: bool('Keep symlinks to directories in copyToRoot as symlinks (rsync -K) instead of copying the directories (rsync -k).'),
  runAsRoot: {
    kind: { type: 'string', nullable: true },
    default: null,
    doc: 'Bash script run as root in a VM on the base layers plus the new layer (cwd /); needs QEMU and a kernel.',
  },
  extraCommands: str('Bash script run in the new layer directory (not as root, no VM), after runAsRoot.'),
  diskSize: { kind: { type: 'int', min: 1 }, default: 1024, doc: 'Disk of the runAsRoot VM, in MiB.' },
  buildVMMemorySize: { kind: { type: 'int', min: 1 }, default: 512, doc: 'Memory of the runAsRoot VM, in MiB.' },
  uid: { kind: { type: 'int', min: 0, max: ID_MAX }, default: 0, doc: 'Owner uid of the files of the new layer (without runAsRoot).' },
  gid: { kind: { type: 'int', min: 0, max: ID_MAX }, default: 0, doc: 'Owner gid of the files of the new layer (without runAsRoot).' },
  includeNixDB: bool('Add the Nix database of the closure of copyToRoot at /nix/var/nix/db.'),
  contents: { kind: { type: 'paths' }, default: null, doc: 'Deprecated: works as copyToRoot (with a warning).' },
} satisfies Record<string, Attribute>;

/** pullImage's attributes (nixpkgs manual, "pullImage"), in the shape of src/spec/attributes.ts. */
export const PULL_IMAGE_ATTRIBUTES = {
  imageName: {
    kind: { type: 'string', nonEmpty: true },
    required: true,
    doc: 'The image to pull: [registry/]repository (Docker Hub by default, library/ for single names), without tag or digest.',
  },
  imageDigest: {
    kind: { type: 'string', nonEmpty: true },
    required: true,
    doc: 'Digest (sha256:...) of the image manifest or manifest list to pull; what the registry serves must hash to it.',
  },
  sha256: {
    kind: { type: 'string' },
    required: true,
    doc: 'sha256 of the output archive: Nix base-32, SRI (sha256-...), base64 or hex; a mismatch fails and writes nothing ("" shows the hash).',
  },
  finalImageName: {
    kind: { type: 'string', nullable: true, nonEmpty: true, format: 'imageName' },
    default: null,
    doc: 'The name the image carries in the archive; default: imageName.',
  },
  finalImageTag: { kind: { type: 'string', nonEmpty: true, format: 'tag' }, default: 'latest', doc: 'The tag the image carries in the archive.' },
  os: { kind: { type: 'string', nonEmpty: true }, default: 'linux', doc: 'Operating system of the image to take from a manifest list.' },
  arch: {
    kind: { type: 'string', nullable: true, nonEmpty: true },
    default: null,
    doc: "Architecture (Go GOARCH naming) of the image to take from a manifest list; default: the host's.",
  },
  tlsVerify: { kind: { type: 'bool' }, default: true, doc: 'Verify the registry\'s TLS certificate; false also allows plain HTTP.' },
  name: {
    kind: { type: 'string', nullable: true, nonEmpty: true },
    default: null,
    doc: 'Name of the output (the file name); default: docker-image-<finalImageName>-<finalImageTag>.tar with / and : replaced by -.',
  },
} satisfies Record<string, Attribute>;

/** mergeImages' attributes: nixpkgs takes the list alone (`mergeImages [ a b ]`); the output's compression is ours to choose. */
export const MERGE_IMAGES_ATTRIBUTES = {
  images: {
    kind: { type: 'paths', minItems: 1 },
    required: true,
    doc: 'The docker-archives to merge (plain, gz or zstd; ours, dockerTools\', docker save\'s, skopeo\'s), in order: one archive that loads as all their images.',
  },
  compressor: {
    kind: { type: 'enum', values: COMPRESSORS },
    default: null,
    doc: 'Compression of the merged archive: none, gz or zstd; default: as the last of `images` is compressed (as nixpkgs does).',
  },
} satisfies Record<string, Attribute>;

/** exportImage's attributes (nixpkgs manual, "exportImage"). */
export const EXPORT_IMAGE_ATTRIBUTES = {
  fromImage: {
    kind: { type: 'path' },
    required: true,
    doc: 'The docker-archive (plain, gz or zstd; dockerTools\', docker save\'s) whose filesystem is exported as one uncompressed tar (for docker image import).',
  },
  fromImageName: { ...buildImage.fromImageName, doc: 'With fromImageTag: which image of a multi-image fromImage archive to export (default: the first).' },
  fromImageTag: { ...buildImage.fromImageTag, doc: 'With fromImageName: which image of a multi-image fromImage archive to export (default: the first).' },
  diskSize: { kind: { type: 'int', min: 1 }, default: 1024, doc: "Disk of nixpkgs' unpacking VM, in MiB: checked and unused (the export needs no VM)." },
  name: {
    kind: { type: 'string', nullable: true, nonEmpty: true },
    default: null,
    doc: "Name of the output (the file name); default: fromImage's name when it is a store path (fromImage.name), required otherwise.",
  },
} satisfies Record<string, Attribute>;

/** streamNixShellImage / buildNixShellImage (nixpkgs manual, "streamNixShellImage"); `compressor` is ours, as for buildLayeredImage. */
export const NIX_SHELL_IMAGE_ATTRIBUTES = {
  drv: {
    kind: { type: 'string', nonEmpty: true },
    required: true,
    doc: 'The derivation whose build environment the image sets up: a .drv path, an output path or ./result link of it, file.nix#attr or a flake reference.',
  },
  name: {
    kind: { type: 'string', nullable: true, nonEmpty: true, format: 'imageName' },
    default: null,
    doc: 'The name of the generated image; default: the derivation\'s name + "-env".',
  },
  tag: common.tag,
  uid: { kind: { type: 'int', min: 0, max: ID_MAX }, default: 1000, doc: 'The user id the container runs as (the nixbld build user).' },
  gid: { kind: { type: 'int', min: 0, max: ID_MAX }, default: 1000, doc: 'The group id the container runs as (the nixbld build group).' },
  homeDirectory: { kind: { type: 'string', nonEmpty: true }, default: '/build', doc: 'The home directory of the build user.' },
  shell: {
    kind: { type: 'string', nullable: true, nonEmpty: true },
    default: null,
    doc: 'The bash binary the image starts (a path in the store, or a link into it); default: bin/bash of the package source\'s bashInteractive.',
  },
  command: {
    kind: { type: 'string', nullable: true },
    default: null,
    doc: 'Run this in the environment, in an interactive shell, then exit (nix-shell --command); not with `run`.',
  },
  run: {
    kind: { type: 'string', nullable: true },
    default: null,
    doc: 'Run this in the environment, in a non-interactive shell, then exit (nix-shell --run); not with `command`.',
  },
  compressor: common.compressor,
} satisfies Record<string, Attribute>;

export const FUNCTIONS = {
  streamLayeredImage: { ...layered, compressor: { ...common.compressor, default: 'none' } },
  buildLayeredImage: layered,
  buildLayeredImageWithNixDb: { ...layered, includeNixDB: bool('Add the Nix database of the closure.', true) },
  buildImage,
  buildImageWithNixDb: { ...buildImage, includeNixDB: bool('Add the Nix database of the closure of copyToRoot.', true) },
  pullImage: PULL_IMAGE_ATTRIBUTES,
  mergeImages: MERGE_IMAGES_ATTRIBUTES,
  exportImage: EXPORT_IMAGE_ATTRIBUTES,
  streamNixShellImage: { ...NIX_SHELL_IMAGE_ATTRIBUTES, compressor: { ...common.compressor, default: 'none' } },
  buildNixShellImage: NIX_SHELL_IMAGE_ATTRIBUTES,
} satisfies Record<string, Record<string, Attribute>>;

export type FunctionName = keyof typeof FUNCTIONS;

/** dockerTools functions that exist but arrive with later work; named so the CLI can say so. */
export const PLANNED_FUNCTIONS: readonly string[] = [];

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}
