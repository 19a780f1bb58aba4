// `artifact`: the image archive as a workflow artifact, through the real @actions/artifact
// client (Twirp CreateArtifact → blob upload to the signed URL → FinalizeArtifact).
// Uploaded unzipped (`skipArchive`, a single file) so the artifact *is* the archive:
// `docker load -i` takes it as downloaded. With skipArchive the client names the artifact
// after the file, so the archive is linked under the artifact's name in a directory of
// its own; a name without a .tar / .tar.gz / .tar.zst ending gets the archive's.

import fsp from 'node:fs/promises';
import path from 'node:path';
import { ArtifactNotFoundError, DefaultArtifactClient } from '@actions/artifact';
import { ARCHIVE_ENDING } from '../compress/index.ts';
import type { Logger } from '../util/log.ts';

export interface ArtifactUpload {
  id: number;
  name: string;
  /** Bytes uploaded. */
  size: number;
  /** sha256 of the bytes uploaded, as the client computed it. */
  digest?: string;
}

export interface ArtifactOptions {
  /** The artifact's name; '' or undefined: the archive's file name. */
  name?: string;
  /** Days to keep it; 0 or undefined: the repository's default (the client caps it at GITHUB_RETENTION_DAYS). */
  retentionDays?: number;
  /** Delete an artifact of the same name in this run first, as actions/upload-artifact's `overwrite` does. */
  overwrite?: boolean;
  /** A directory for the link the client uploads (made and removed here). */
  tmpDir: string;
  log: Logger;
}


/** The artifact name for `archive`: `name` with the archive's ending added when it has none. */
export function artifactName(archive: string, name?: string): string {
  if (!name) return path.basename(archive);
  if (ARCHIVE_ENDING.test(name)) return name;
  const ending = ARCHIVE_ENDING.exec(path.basename(archive))?.[0] ?? '';
  return `${name}${ending}`;
}

export async function uploadArchiveArtifact(archive: string, opts: ArtifactOptions): Promise<ArtifactUpload> {
  const name = artifactName(archive, opts.name);
  const dir = await fsp.mkdtemp(path.join(opts.tmpDir, 'nix-docker-artifact-'));
  try {
    const file = path.join(dir, name);
    await fsp.symlink(path.resolve(archive), file);
    const client = new DefaultArtifactClient();
    if (opts.overwrite) await deleteIfPresent(client, name, opts.log);
    const r = await client.uploadArtifact(name, [file], dir, { skipArchive: true, ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}) });
    if (r.id === undefined) throw new Error(`artifact ${name}: the service did not return an artifact id`);
    return { id: r.id, name, size: r.size ?? (await fsp.stat(archive)).size, ...(r.digest ? { digest: `sha256:${r.digest}` } : {}) };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Deletes the run's artifact named `name`, if there is one (what upload-artifact v4 does before an overwrite). */
async function deleteIfPresent(client: DefaultArtifactClient, name: string, log: Logger): Promise<void> {
  try {
    const { id } = await client.deleteArtifact(name);
    log.info(`Deleted the artifact ${name} (id ${id}) uploaded before in this run`);
  } catch (err) {
    if (err instanceof ArtifactNotFoundError) return;
    // The upload that follows says what is wrong if the name is still taken.
    log.warn(`could not delete the artifact ${name} before overwriting it: ${(err as Error).message}`);
  }
}
