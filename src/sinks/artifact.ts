// `artifact`: the image archive as a workflow artifact, through the real @actions/artifact
// client (Twirp CreateArtifact → blob upload to the signed URL → FinalizeArtifact).
// Uploaded unzipped (`skipArchive`, a single file) so the artifact *is* the archive:
// `docker load -i` takes it as downloaded. With skipArchive the client names the artifact
// after the file, so the archive is linked under the artifact's name in a directory of
// its own; a name without a .tar / .tar.gz / .tar.zst ending gets the archive's.

import fsp from 'node:fs/promises';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
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
  retentionDays?: number;
  /** A directory for the link the client uploads (made and removed here). */
  tmpDir: string;
  log: Logger;
}

// `.oci.tar`: the OCI image layout archive of a multi-platform image.
const ARCHIVE_ENDING = /(\.oci)?\.tar(\.gz|\.zst)?$/;

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
    const r = await client.uploadArtifact(name, [file], dir, { skipArchive: true, ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}) });
    if (r.id === undefined) throw new Error(`artifact ${name}: the service did not return an artifact id`);
    return { id: r.id, name, size: r.size ?? (await fsp.stat(archive)).size, ...(r.digest ? { digest: `sha256:${r.digest}` } : {}) };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
