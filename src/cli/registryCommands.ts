// Registry subcommands: `push ARCHIVE REF...` (an existing docker-archive: ours,
// dockerTools', `docker save`'s) and `manifest REF --platform-image REF...` (one index
// over images already pushed, e.g. by a matrix of per-architecture jobs).

import os from 'node:os';
import { loadBaseImage } from '../image/baseImage.ts';
import { openRegistry, parseReference, pushIndex, formatReference } from '../registry/index.ts';
import { archivePushLayers } from '../sinks/archiveLayers.ts';
import { parsePushRefs, pushToRegistries, type PushSettings } from '../sinks/push.ts';
import { UsageError } from '../spec/errors.ts';
import type { Logger } from '../util/log.ts';
import { makeTempDir, removeTempDir } from '../util/cleanup.ts';

/**
 * Pushes the first image of a docker-archive; the config bytes are kept, so the image id
 * is too. Each layer's compressed digest is known before the push (src/sinks/archiveLayers.ts),
 * so a registry that has it answers a HEAD and nothing is uploaded again.
 */
export async function pushArchive(archive: string, refs: string[], settings: PushSettings): Promise<ReturnType<typeof pushToRegistries>> {
  if (refs.length === 0) throw new UsageError('push: give at least one image reference after the archive');
  parsePushRefs(refs, 'push');
  const workDir = await makeTempDir(os.tmpdir(), 'nix-docker-push-');
  try {
    const base = await loadBaseImage(archive, { workDir, attribute: 'archive' });
    const ready = await archivePushLayers(base, { compressor: settings.compressor, cache: settings.cache, workDir, log: settings.log });
    try {
      return await pushToRegistries({ layers: ready.layers, makeConfig: () => base.configBytes }, refs, settings);
    } finally {
      await ready.finish();
    }
  } finally {
    await removeTempDir(workDir);
  }
}

/** `manifest TARGET --platform-image REF ...`: an index of images already in the registry. */
export async function pushManifestIndex(target: string, images: string[], settings: Omit<PushSettings, 'compressor'>, log: Logger) {
  if (images.length === 0) throw new UsageError('manifest: give the per-platform images with --platform-image REF');
  const [t, ...imgs] = parsePushRefs([target, ...images], 'manifest');
  const client = await openRegistry(t!.registry, { auth: settings.auth, env: settings.env ?? process.env, tlsVerify: settings.tlsVerify ?? true, log });
  try {
    const result = await pushIndex(client, t!, imgs.map((r) => parseReference(formatReference(r))), { format: settings.format });
    log.info(`Pushed index ${result.reference}`);
    return result;
  } finally {
    await client.close();
  }
}
