// What the engine and a layer cache say to each other. A layer's key is the engine's
// business (a hash of everything that decides the layer's bytes); here it is opaque.

import type { Compressor } from '../spec/attributes.ts';
import type { Logger } from '../util/log.ts';

export type { Compressor };

/** What a built layer is, apart from its bytes. */
export interface LayerRecord {
  /** sha256 of the uncompressed layer tar, `sha256:<hex>`. */
  diffId: string;
  /** sha256 of the compressed blob, `sha256:<hex>` (the registry's layer digest). */
  digest: string;
  /** Bytes of the uncompressed layer tar. */
  size: number;
  /** Bytes of the compressed blob. */
  compressedSize: number;
  compressor: Compressor;
}

/** A layer handed to `put`: its record, and where its compressed bytes are. */
export interface LayerPut extends LayerRecord {
  /**
   * A file holding the compressed blob. The cache copies (or hard-links) what it needs
   * before `put` resolves; the caller keeps the file. Any readable path works (a pipe too).
   */
  blobPath: string;
  /**
   * Where the blob starts in `blobPath` (default 0), for a layer whose bytes are a run
   * inside a bigger file, such as a compressed archive. It is `compressedSize` bytes long.
   */
  blobOffset?: number;
  /**
   * The caller gives the whole file up: the cache may move it into its storage instead of
   * copying it (a file the caller wrote in `scratchDir()` moves by rename). The caller
   * removes whatever is left at `blobPath` once `put` resolves.
   */
  handOver?: boolean;
}

/** A layer found in the cache, its blob verified (digest and size) before it is returned. */
export interface CachedLayer extends LayerRecord {
  key: string;
  /** A file holding exactly the compressed blob; owned by the cache, read it, don't move it. */
  blobPath: string;
}

export type MissReason = 'absent' | 'corrupt' | 'unavailable';

export type CacheEvent =
  | { type: 'hit'; key: string; digest: string; bytes: number; /** Its blob was hashed at this lookup. */ verified?: boolean }
  | { type: 'miss'; key: string; reason: MissReason }
  | { type: 'corrupt'; key: string; digest: string; reason: string }
  | { type: 'put'; key: string; digest: string; bytes: number }
  /** An Actions cache entry (index or bundle) restored. */
  | { type: 'restore'; entry: string; bytes: number }
  | { type: 'save'; entry: string; layers: number; bytes: number }
  /** A save not made because the entry exists already (or is being made by another job). */
  | { type: 'skip'; entry: string; reason: 'exists' | 'reserved' }
  | { type: 'evict'; key: string; bytes: number; reason: 'budget' | 'age' }
  | { type: 'retry'; operation: string; attempt: number; delayMs: number; reason: 'rate-limited' | 'failed' };

export interface CacheStats {
  /** Keys asked for and found (verified), counted once per key. */
  hits: number;
  /** Keys asked for and not found, including corrupt ones. */
  misses: number;
  /** Restored blobs discarded because their digest or size was wrong. */
  corrupt: number;
  /** Layers recorded by `put`. */
  puts: number;
  bytesRestored: number;
  bytesSaved: number;
  entriesRestored: number;
  entriesSaved: number;
  /** Saves skipped because the entry was there already. */
  entriesSkipped: number;
  layersEvicted: number;
  retries: number;
}

export interface SavedEntry {
  /** The Actions cache key, or for the local directory the layer key. */
  entry: string;
  layers: string[];
  bytes: number;
}

export interface SaveReport {
  /** Entries written: Actions bundles and the index (`layers: []`); local: one per layer put. */
  saved: SavedEntry[];
  /** Entries not saved because they exist already (or another job is saving them). */
  skipped: { entry: string; reason: 'exists' | 'reserved' }[];
  /** Entries that could not be saved (the reason is also logged as a warning). */
  failed: { entry: string; reason: string }[];
  /** Layer keys dropped to stay within the budget or because they aged out. */
  evicted: string[];
  /** The index entry written, if one was (Actions cache only). */
  index?: string;
  bytesSaved: number;
}

export interface LayerCache {
  readonly kind: 'local' | 'actions' | 'none';
  /**
   * The layers of `keys` the cache holds, each blob verified before it is returned.
   * A corrupt or truncated blob is discarded with a warning and reported as a miss.
   */
  lookup(keys: readonly string[]): Promise<Map<string, CachedLayer>>;
  /** Records a newly built layer (copied into the cache's own storage before this resolves). */
  put(key: string, layer: LayerPut): Promise<void>;
  /**
   * A directory on the cache's own file system where a caller may write a blob it will
   * hand over to `put`, so keeping it is a rename, not a second copy. Leftovers of a
   * crashed run are the cache's to remove.
   */
  scratchDir?(): Promise<string>;
  /** Persists what is new and applies the budget. Best effort: failures warn, never throw. */
  flush(): Promise<SaveReport>;
  stats(): CacheStats;
}

export interface CacheOptions {
  log?: Logger;
  onEvent?: (event: CacheEvent) => void;
  /** Bytes of compressed blobs to keep; least recently used layers go first. */
  budget?: number;
  /** Layers unused for longer than this are dropped (ms). */
  maxAgeMs?: number;
  /**
   * `digest` (default): sha256 and size of the compressed blob. `full` also decompresses
   * it and checks the diff_id and uncompressed size.
   */
  verify?: 'digest' | 'full';
  /** The clock, for tests. */
  now?: () => Date;
}
