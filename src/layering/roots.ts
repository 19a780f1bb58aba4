// What nixpkgs layers. streamLayeredImage hands its layering the closure of two helper
// store paths (`closureRoots = [ baseJson customisationLayer ]`, both in `excludePaths`):
//
// - `<name>-base.json`, a writeText of {architecture, config, os}: it refers to the
//   store paths the config mentions;
// - `<name>-customisation-layer`, holding `layer.tar` and `checksum`: it refers to what
//   the tar's symlinks point at (the contents).
//
// Both take part in the planning — they are roots of the popularity contest and nodes
// of the auto layering (where their narSize decides when they turn primary and a layer
// of their own still counts against the limit) — and are left out of the layers. This
// module builds stand-ins for them with the narSize nixpkgs' would have, so the engine,
// which writes neither to the store, plans like nixpkgs. Their hashes are unknowable
// here; they only matter for ties: between equal narSizes, and in auto between layers of
// equal closure size, whose order goes by the Python hashes of the primary paths labelling
// them (pythonSetOrder.ts) and so by these two names where they are primaries.

import type { StoreNode } from '../model.ts';

const PLACEHOLDER_HASH = '0'.repeat(32);

/** Length of a NAR string field: 8-byte length, then the bytes padded to 8. */
function narString(length: number): number {
  return 8 + Math.ceil(length / 8) * 8;
}

/** NAR size of a regular, non-executable file of `size` bytes (the node alone). */
function narRegularNode(size: number): number {
  // "(" "type" "regular" "contents" <bytes> ")"
  return narString(1) + narString(4) + narString(7) + narString(8) + narString(size) + narString(1);
}

/** NAR size of a store path that is a regular, non-executable file of `size` bytes. */
export function narSizeOfFile(size: number): number {
  return narString(13) + narRegularNode(size); // "nix-archive-1"
}

/** NAR size of a store path that is a directory of regular files ({name: size}). */
export function narSizeOfDirectory(files: Readonly<Record<string, number>>): number {
  // "(" "type" "directory" { "entry" "(" "name" <name> "node" <node> ")" }* ")"
  let size = narString(13) + narString(1) + narString(4) + narString(9) + narString(1);
  for (const [name, bytes] of Object.entries(files)) {
    size += narString(5) + narString(1) + narString(4) + narString(Buffer.byteLength(name)) + narString(4);
    size += narRegularNode(bytes) + narString(1);
  }
  return size;
}

export interface ImageRootsInput {
  /** The image name (`name` attribute); its base name names the helper paths. */
  name: string;
  /** The store directory, `/nix/store` by default. */
  storeDir?: string;
  /** Store paths mentioned by the image config: the references of `<name>-base.json`. */
  configReferences: readonly string[];
  /** Byte length of `builtins.toJSON { inherit config architecture; os = "linux"; }`. */
  baseJsonSize: number;
  /** Store paths the customisation layer refers to: the contents its symlinks point into. */
  customisationReferences: readonly string[];
  /** Size of the customisation layer's layer.tar. */
  customisationTarSize: number;
}

export interface ImageRoots {
  /** Stand-ins for nixpkgs' two helper paths, to add to the closure graph. */
  nodes: StoreNode[];
  /** Pass as `roots`. */
  roots: string[];
  /** Pass as `exclude`. */
  exclude: string[];
}

/** The graph additions, roots and exclusions that make planLayers see what nixpkgs' layering sees. */
export function nixpkgsImageRoots(input: ImageRootsInput): ImageRoots {
  const storeDir = (input.storeDir ?? '/nix/store').replace(/\/+$/, '');
  const baseName = input.name.slice(input.name.lastIndexOf('/') + 1);
  const baseJson = `${storeDir}/${PLACEHOLDER_HASH}-${baseName}-base.json`;
  const custom = `${storeDir}/${PLACEHOLDER_HASH}-${baseName}-customisation-layer`;
  const nodes: StoreNode[] = [
    { path: baseJson, narSize: narSizeOfFile(input.baseJsonSize), references: [...input.configReferences] },
    {
      path: custom,
      // `sha256sum | cut -f 1 -d ' '`: 64 hex digits and a newline.
      narSize: narSizeOfDirectory({ checksum: 65, 'layer.tar': input.customisationTarSize }),
      references: [...input.customisationReferences],
    },
  ];
  const roots = [baseJson, custom];
  return { nodes, roots, exclude: [...roots] };
}
