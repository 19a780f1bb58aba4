// A blob written to a file as it is produced, to be handed over to `put` once complete:
// the archive writer copies each new layer this way while it writes the output, a push
// each blob it compresses. Written in the cache's scratch directory, keeping it is a
// rename. Keeping a layer is never worth failing a build for: a write that fails makes
// the copy unusable (`finish` gives nothing) instead of throwing.

import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { tempBeside } from './files.ts';

export class ScratchCopy {
  readonly file: string;
  private readonly handle: Promise<FileHandle>;
  private failed: string | undefined;
  private finished: Promise<string | undefined> | undefined;

  constructor(dir: string) {
    this.file = tempBeside(path.join(dir, 'blob'));
    this.handle = fsp.open(this.file, 'wx', 0o444);
    this.handle.catch((err: Error) => (this.failed ??= err.message));
  }

  /** Appends `chunk` (the caller keeps it intact until this resolves). */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failed !== undefined || this.finished) return;
    try {
      const handle = await this.handle;
      for (let off = 0; off < chunk.length; ) off += (await handle.write(chunk, off, chunk.length - off)).bytesWritten;
    } catch (err) {
      this.failed ??= (err as Error).message;
    }
  }

  /** Closes the file: its path when every write went through, else undefined (and it is removed). */
  finish(): Promise<string | undefined> {
    return (this.finished ??= (async () => {
      const closed = await this.handle.then((h) => h.close()).then(() => true, () => false);
      if (closed && this.failed === undefined) return this.file;
      await fsp.rm(this.file, { force: true });
      return undefined;
    })());
  }

  /** Removes whatever is left of the file (after `put` took it, or when it is not wanted). */
  async discard(): Promise<void> {
    await this.finish();
    await fsp.rm(this.file, { force: true });
  }
}
