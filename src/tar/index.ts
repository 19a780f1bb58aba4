/**
 * Deterministic tar writer.
 *
 * Layers must be byte-identical to the ones nixpkgs' dockerTools writes, so
 * their sha256 (the diff_id) matches and caches, registries and `docker load`
 * see the same layer whoever built it. Two reference writers are reproduced,
 * each a "dialect" of the header encoder (header.ts):
 *
 * - python-pax: CPython's tarfile, as stream_layered_image.py uses it for
 *   store layers and for the outer docker-archive;
 * - gnu: GNU tar 1.34 `--format=gnu`, as nixpkgs packs the customisation
 *   layer and buildImage's layer.
 *
 * Determinism rules. Nothing of the build machine leaks into the bytes:
 * - order: store layers list `/nix/`, `/nix/store/`, then each store path
 *   followed by its tree sorted component by component as pathlib sorts
 *   (`a`, `a/b`, `a-c`); directory tars follow GNU tar's `--sort=name`
 *   (depth first, siblings in byte order) — never readdir order;
 * - metadata: mtime, uid, gid, uname and gname come from the caller; only
 *   permission bits (`mode & 0o7777`), sizes and symlink targets come from the
 *   file system; no atime/ctime, inode, device or hard-link identity;
 * - hard links are written as regular files with their content; symlinks are
 *   kept and never followed (a symlinked directory is not descended);
 * - names are raw bytes; encodings that depend on them (pax records,
 *   `?` replacement, LongLink entries) follow the reference writers exactly;
 * - every archive ends with two zero blocks and zeros up to a 10240-byte record.
 *
 * Single-pass design. A tar member's header carries its size, so a layer
 * embedded in the docker-archive needs its exact length before its first
 * byte. stream_layered_image.py solves this by writing every layer twice
 * (once into a hashing sink, once for real). Here planning does it instead:
 * `planStoreLayer` / `planDirectoryTar` walk the tree once, lstat() and
 * readlink() everything, and sum the exact archive length (headers, with any
 * pax/LongLink entries, content, padding, end of archive) into `size`. Only
 * then does `chunks()` read each file once, in 1 MiB pieces straight into the
 * output chunks (headers and small files batched into the same chunks), so
 * memory stays flat whatever the file sizes. A file whose size changed
 * between planning and reading is an error naming it, and the total produced
 * is asserted equal to `size`. The diff_id is hashed by the consumer from the
 * same single stream. File reads are synchronous: each chunk costs one short
 * blocking read, which is faster than a thread-pool round trip per file.
 */

export {
  BLOCK_SIZE,
  RECORD_SIZE,
  TarError,
  encodeHeader,
  endOfArchiveSize,
  headerSize,
  paddingSize,
  type Dialect,
  type EntryType,
  type HeaderOptions,
  type TarHeader,
} from './header.ts';
export { planStoreLayer, type StoreLayerOptions } from './store-layer.ts';
export { planDirectoryTar, type DirectoryTarOptions } from './directory.ts';
export {
  encodeFileHeader,
  endOfArchive,
  padding,
  planArchive,
  type ArchiveMember,
  type FileInfo,
} from './archive.ts';
export { plannedTar, type PlannedMember } from './writer.ts';
