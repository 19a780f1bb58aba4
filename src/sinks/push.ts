// `--push REF`: an image straight from the engine (or from an archive) to registries,
// no archive on disk. Each layer is compressed as it streams to the registry and its
// diff_id hashed on the way; the config, which needs every diff_id, goes after the
// layers and the manifest last. A layer whose compressed digest is already known (the
// layer cache) costs a HEAD when the registry has it.

import { createHash } from 'node:crypto';
import os from 'node:os';
import { ScratchCopy, type LayerCache } from '../cache/index.ts';
import { compressStream } from '../compress/index.ts';
import { jsonBytes, type LayerRecord } from '../image/config.ts';
import type { ArchiveLayer } from '../image/dockerArchive.ts';
import {
  formatReference,
  layerMediaType,
  openRegistry,
  parseReference,
  pushImage,
  type BlobReport,
  type BlobSource,
  type Env,
  type ManifestFormat,
  type Reference,
} from '../registry/index.ts';
import { pushAttestedIndex, type Statement } from '../registry/attest.ts';
import { pushReferrers } from '../registry/referrers.ts';
import type { Platform } from '../registry/manifest.ts';
import type { Compressor } from '../spec/attributes.ts';
import { SpecError } from '../spec/errors.ts';
import { defaultHashPool } from '../util/hashPool.ts';
import type { Logger } from '../util/log.ts';

/** A layer to push: the engine's layer, and when known, its compressed blob. */
export interface PushLayer extends ArchiveLayer {
  /** Known compressed form (from the layer cache, or already compressed in an archive). */
  blob?: { digest: string; size: number; compression: Compressor; open(): AsyncIterable<Uint8Array> };
}

export interface PushableImage {
  layers: PushLayer[];
  /** The config JSON (or bytes) once the diff_ids are known, exactly as the archive holds it. */
  makeConfig(layers: LayerRecord[]): Record<string, unknown> | Uint8Array;
}

export interface PushSettings {
  compressor: Compressor;
  format?: 'auto' | ManifestFormat;
  tlsVerify?: boolean;
  auth?: { username: string; password: string };
  env?: Env;
  jobs?: number;
  log: Logger;
  /** Layers compressed while pushing are kept here (under their cacheKey) for the next push or build. */
  cache?: LayerCache;
  /** In-toto statements (SBOM, provenance) attached to each pushed image (src/registry/attest.ts). */
  attest?: (image: AttestedImage) => Promise<Statement[]>;
  /** `index` (default): BuildKit's layout, the tags name an index; `referrers`: OCI 1.1 referrers of the image. */
  attestMode?: AttestMode;
  /** OCI annotations (buildx's levels); with manifest annotations `auto` pushes OCI. */
  annotations?: PushAnnotations;
}

/** Annotations by where they go, as buildx names the levels. */
export interface PushAnnotations {
  /** The image manifest's own. */
  manifest: Record<string, string>;
  /** The index's own, where an index is pushed (attestations). */
  index: Record<string, string>;
  /** On the image manifest's descriptor inside that index. */
  manifestDescriptor: Record<string, string>;
}

export const ATTEST_MODES = ['index', 'referrers'] as const;
export type AttestMode = (typeof ATTEST_MODES)[number];

/** What a statement about a pushed image is about. */
export interface AttestedImage {
  /** The image manifest's digest (the statements' subject), not the index's. */
  digest: string;
  diffIds: string[];
  platform: Platform;
  /** The image config, as pushed. */
  config: Uint8Array;
}

export interface PushedImage {
  /** The reference as given. */
  ref: string;
  /** registry/repository@sha256:... */
  reference: string;
  digest: string;
  /** The image config's digest (the image id). */
  configDigest: string;
  tags: string[];
  layers: BlobReport[];
  uploaded: number;
  skipped: number;
  mounted: number;
  /** With attestations: `digest` is the index's; these are the image manifest's and the attestation manifest's. */
  imageDigest?: string;
  attestationDigest?: string;
  /** Referrers mode: the artifact manifests whose subject is the image. */
  referrers?: string[];
}

/** Checks push references up front, naming the bad one (before anything is built). */
export function parsePushRefs(refs: readonly string[], attribute = 'push'): Reference[] {
  return refs.map((r) => {
    try {
      return parseReference(r);
    } catch (err) {
      throw new SpecError(attribute, (err as Error).message);
    }
  });
}

export async function pushToRegistries(image: PushableImage, refs: readonly string[], settings: PushSettings): Promise<PushedImage[]> {
  const parsed = parsePushRefs(refs);
  // One push per repository; its other tags come along. Later repositories of the same
  // registry mount the blobs from the first.
  const groups = new Map<string, { ref: Reference; given: string[]; tags: string[] }>();
  parsed.forEach((ref, i) => {
    const key = `${ref.registry}/${ref.repository}`;
    const g = groups.get(key);
    if (g) {
      g.given.push(refs[i]!);
      if (ref.tag) g.tags.push(ref.tag);
    } else groups.set(key, { ref, given: [refs[i]!], tags: [] });
  });
  const results: PushedImage[] = [];
  const pushedRepos = new Map<string, string[]>();
  for (const { ref, given, tags } of groups.values()) {
    const client = await openRegistry(ref.registry, { auth: settings.auth, env: settings.env ?? process.env, tlsVerify: settings.tlsVerify ?? true, log: settings.log });
    try {
      const records: Promise<LayerRecord>[] = [];
      const inIndex = !!settings.attest && settings.attestMode !== 'referrers';
      const annotated = Object.keys(settings.annotations?.manifest ?? {}).length > 0;
      let configBytes: Uint8Array | undefined;
      const layers = image.layers.map((layer, i) => {
        const { source, record } = layerSource(layer, settings.compressor, settings.cache);
        records[i] = record;
        return source;
      });
      const result = await settings.log.group(`Pushing ${formatReference(ref)}`, async () => {
        const pushed = await pushImage(
          client,
          ref,
          {
            layers,
            config: async () => {
              const made = image.makeConfig(await Promise.all(records));
              configBytes = made instanceof Uint8Array ? made : jsonBytes(made);
              return configBytes;
            },
            ...(annotated ? { annotations: settings.annotations!.manifest } : {}),
          },
          // Attestations in an OCI index: the image goes as OCI too (as BuildKit does), tagged through the index; annotations need OCI.
          { format: (inIndex || annotated) && (settings.format ?? 'auto') === 'auto' ? 'oci' : (settings.format ?? 'auto'), tags, jobs: settings.jobs, mountFrom: pushedRepos.get(ref.registry), untagged: inIndex },
        );
        settings.log.info(`Pushed ${pushed.reference} (${pushed.uploaded} uploaded, ${pushed.skipped} skipped, ${pushed.mounted} mounted)`);
        return pushed;
      });
      let attested: { digest: string; reference: string; attestationDigest: string } | undefined;
      let referrers: string[] | undefined;
      if (settings.attest) {
        const diffIds = (await Promise.all(records)).map((r) => r.diffId);
        const platform = platformOf(configBytes!);
        const statements = await settings.attest({ digest: result.digest, diffIds, platform, config: configBytes! });
        const image = { mediaType: result.mediaType, digest: result.digest, size: result.size, platform };
        await settings.log.group(`Attaching ${statements.length} attestation(s) to ${formatReference(ref)}`, async () => {
          if (inIndex) {
            const a = settings.annotations;
            attested = await pushAttestedIndex(client, ref, { ...image, ...(a && Object.keys(a.manifestDescriptor).length ? { annotations: a.manifestDescriptor } : {}) }, statements, result.tags, a?.index);
            settings.log.info(`Pushed the index ${attested.digest} (image ${result.digest}, attestations ${attested.attestationDigest})`);
          } else {
            const r = await pushReferrers(client, ref.repository, image, statements);
            referrers = r.digests;
            if (r.fallbackTag) settings.log.info(`${ref.registry} has no referrers API: listed under the tag ${r.fallbackTag}`);
          }
        });
      }
      pushedRepos.set(ref.registry, [...(pushedRepos.get(ref.registry) ?? []), ref.repository]);
      const ids = attested ? { reference: attested.reference, digest: attested.digest, imageDigest: result.digest, attestationDigest: attested.attestationDigest } : { reference: result.reference, digest: result.digest };
      for (const g of given) results.push({ ref: g, ...ids, ...(referrers ? { referrers } : {}), configDigest: result.config.digest, tags: result.tags, layers: result.layers, uploaded: result.uploaded, skipped: result.skipped, mounted: result.mounted });
    } finally {
      await client.close();
    }
  }
  return results;
}

/** The platform an image config names (an index entry's `platform`). */
function platformOf(config: Uint8Array): Platform {
  const c = JSON.parse(Buffer.from(config).toString('utf8')) as { architecture?: string; os?: string; variant?: string };
  return { architecture: c.architecture ?? 'unknown', os: c.os ?? 'unknown', ...(c.variant ? { variant: c.variant } : {}) };
}

/** zstd exists only as an OCI type; pushImage re-types layers for the manifest it writes. */
function mediaTypeFor(c: Compressor): string {
  return layerMediaType(c === 'zstd' ? 'oci' : 'docker', c);
}

/**
 * A layer as a blob source, and its record (diff_id) once its bytes have gone through.
 * The source may be opened again (an upload that starts over): the record settles with
 * the first complete pass.
 */
function layerSource(layer: PushLayer, compressor: Compressor, cache?: LayerCache): { source: BlobSource; record: Promise<LayerRecord> } {
  if (layer.blob && layer.diffId) {
    const blob = layer.blob;
    return {
      source: { digest: blob.digest, size: blob.size, mediaType: mediaTypeFor(blob.compression), open: () => blob.open() },
      record: Promise.resolve({ diffId: layer.diffId, paths: layer.paths }),
    };
  }
  let settle!: (r: LayerRecord) => void;
  let fail!: (e: unknown) => void;
  const record = new Promise<LayerRecord>((res, rej) => ((settle = res), (fail = rej)));
  record.catch(() => {});
  const source: BlobSource = {
    ...(compressor === 'none' && layer.diffId ? { digest: layer.diffId, size: layer.size } : {}),
    mediaType: mediaTypeFor(compressor),
    async *open() {
      const hash = defaultHashPool().start();
      // Kept for the layer cache: the compressed bytes as they go out, and their digest,
      // written in the cache's scratch directory when it has one, so keeping it is a rename.
      const dir = cache && layer.cacheKey && compressor !== 'none' ? ((await cache.scratchDir?.().catch(() => undefined)) ?? os.tmpdir()) : undefined;
      const copy = dir ? new ScratchCopy(dir) : undefined;
      const digest = createHash('sha256');
      let compressedSize = 0;
      let n = 0;
      async function* plain(): AsyncGenerator<Uint8Array> {
        for await (const chunk of layer.chunks()) {
          const wait = hash.update(chunk);
          n += chunk.length;
          // The registry client may hold a chunk after asking for the next: give it its own copy.
          yield compressor === 'none' ? Buffer.from(chunk) : chunk;
          if (wait) await wait;
        }
      }
      try {
        for await (const out of compressStream(plain(), compressor)) {
          if (copy) {
            digest.update(out);
            compressedSize += out.length;
          }
          const copying = copy?.write(out);
          yield out;
          await copying;
        }
        if (n !== layer.size) {
          const err = new Error(`layer ${layer.member}: read ${n} bytes, planned ${layer.size}`);
          fail(err);
          throw err;
        }
        const diffId = `sha256:${await hash.digest()}`;
        if (layer.diffId && layer.diffId !== diffId) {
          const err = new Error(`layer ${layer.member}: content hashes to ${diffId}, but the image config says ${layer.diffId}`);
          fail(err);
          throw err;
        }
        const file = await copy?.finish();
        if (file && cache && layer.cacheKey) {
          await cache.put(layer.cacheKey, { blobPath: file, handOver: true, diffId, digest: `sha256:${digest.digest('hex')}`, size: layer.size, compressedSize, compressor });
        }
        settle({ diffId, paths: layer.paths });
      } finally {
        await copy?.discard();
      }
    },
  };
  return { source, record };
}
