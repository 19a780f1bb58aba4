// Data shapes shared across the engine. Pure data: no I/O lives here.

/** One node of a Nix closure graph, as `nix path-info --json` reports it. */
export interface StoreNode {
  path: string;
  narSize: number;
  /** Absolute store paths this path refers to (may include itself). */
  references: string[];
}

/** Store layers in ascending order; each is the list of store paths it holds. */
export type StoreLayers = string[][];

/** Who owns the files of a store layer, and their time (dockerTools' uid/gid/uname/gname/mtime). */
export interface Ownership {
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
}

/**
 * A tar archive whose exact size is known before its first byte is produced,
 * so it can be embedded in another tar (whose header needs the size) in one pass.
 */
export interface PlannedTar {
  readonly size: number;
  /**
   * Yields the archive's bytes; the total length equals `size` (asserted). A chunk is
   * valid until the next one is requested (the writer reuses its buffers, which keeps
   * memory flat): a consumer that keeps bytes longer copies them.
   */
  chunks(): AsyncIterable<Uint8Array>;
}
