// Manifests and indexes as data: built from descriptors, serialised once, named by the
// sha256 of those exact bytes. Docker schema 2 for uncompressed and gzip layers (what
// every engine and registry reads), OCI when a layer is zstd (schema 2 has no zstd
// type) or when asked. Pure: no I/O here.

import { sha256Digest } from './digest.ts';

export const MediaType = {
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

export type ManifestFormat = 'docker' | 'oci';
export type LayerCompression = 'none' | 'gz' | 'zstd';

export const IMAGE_MANIFEST_TYPES: readonly string[] = [MediaType.DockerManifest, MediaType.OciManifest];
export const INDEX_TYPES: readonly string[] = [MediaType.DockerManifestList, MediaType.OciIndex];
/** The Accept header for manifests: everything we can read. */
export const MANIFEST_ACCEPT = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES].join(', ');

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface BuiltManifest {
  mediaType: string;
  /** The exact bytes to PUT; the digest is their sha256. */
  bytes: Uint8Array;
  digest: string;
  size: number;
}

/** A layer's compression, from either family's media type; undefined for foreign/unknown types. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  switch (mediaType) {
    case MediaType.DockerLayer:
    case MediaType.OciLayer:
      return 'none';
    case MediaType.DockerLayerGzip:
    case MediaType.OciLayerGzip:
      return 'gz';
    case MediaType.OciLayerZstd:
      return 'zstd';
    default:
      return undefined;
  }
}

export function layerMediaType(format: ManifestFormat, compression: LayerCompression): string {
  if (format === 'oci') return compression === 'none' ? MediaType.OciLayer : compression === 'gz' ? MediaType.OciLayerGzip : MediaType.OciLayerZstd;
  if (compression === 'zstd') throw new Error('a Docker schema 2 manifest cannot hold zstd layers; use the OCI format');
  return compression === 'none' ? MediaType.DockerLayer : MediaType.DockerLayerGzip;
}

export function configMediaType(format: ManifestFormat): string {
  return format === 'oci' ? MediaType.OciConfig : MediaType.DockerConfig;
}

/**
 * `auto`: Docker schema 2 unless a layer is zstd or already typed OCI-only; `oci`: always
 * OCI; `docker`: schema 2, refusing zstd.
 */
export function chooseFormat(layerMediaTypes: readonly string[], requested: 'auto' | ManifestFormat = 'auto'): ManifestFormat {
  const zstd = layerMediaTypes.some((t) => layerCompression(t) === 'zstd');
  if (requested === 'docker' && zstd) throw new Error('zstd layers need an OCI manifest, but the Docker format was requested');
  if (requested !== 'auto') return requested;
  return zstd ? 'oci' : 'docker';
}

/** Re-types a layer descriptor for `format` (gzip stays gzip); foreign types stay as they are. */
export function retypeLayer(layer: Descriptor, format: ManifestFormat): Descriptor {
  const compression = layerCompression(layer.mediaType);
  return compression === undefined ? layer : { ...layer, mediaType: layerMediaType(format, compression) };
}

function serialise(mediaType: string, value: unknown): BuiltManifest {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return { mediaType, bytes, digest: sha256Digest(bytes), size: bytes.length };
}

function descriptorJson(d: Descriptor): Descriptor {
  // Fixed key order, and no undefined keys, so equal inputs give equal bytes.
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.urls?.length ? { urls: d.urls } : {}),
    ...(d.annotations && Object.keys(d.annotations).length ? { annotations: d.annotations } : {}),
    ...(d.platform ? { platform: platformJson(d.platform) } : {}),
  };
}

function platformJson(p: Platform): Platform {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}),
    ...(p['os.features']?.length ? { 'os.features': p['os.features'] } : {}),
    ...(p.variant ? { variant: p.variant } : {}),
  };
}

export function buildImageManifest(
  format: ManifestFormat,
  config: { digest: string; size: number },
  layers: readonly Descriptor[],
  annotations?: Record<string, string>,
): BuiltManifest {
  const mediaType = format === 'oci' ? MediaType.OciManifest : MediaType.DockerManifest;
  if (format === 'docker' && annotations && Object.keys(annotations).length) throw new Error('annotations need the OCI format');
  return serialise(mediaType, {
    schemaVersion: 2,
    mediaType,
    config: descriptorJson({ mediaType: configMediaType(format), digest: config.digest, size: config.size }),
    layers: layers.map((l) => descriptorJson(retypeLayer(l, format))),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  });
}

export function buildIndex(format: ManifestFormat, manifests: readonly Descriptor[], annotations?: Record<string, string>): BuiltManifest {
  const mediaType = format === 'oci' ? MediaType.OciIndex : MediaType.DockerManifestList;
  if (format === 'docker' && annotations && Object.keys(annotations).length) throw new Error('annotations need the OCI format');
  return serialise(mediaType, {
    schemaVersion: 2,
    mediaType,
    manifests: manifests.map(descriptorJson),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  });
}

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] };

/**
 * Reads an image manifest or index. The media type comes from the document, else from
 * the Content-Type it was served with; schema 1 and unknown types are refused.
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): ParsedManifest {
  let doc: { schemaVersion?: unknown; mediaType?: unknown; config?: unknown; layers?: unknown; manifests?: unknown };
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error('manifest is not JSON');
  }
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : (contentType?.split(';')[0]?.trim() ?? '');
  if (doc.schemaVersion !== 2) throw new Error(`unsupported manifest schemaVersion ${String(doc.schemaVersion)} (${mediaType || 'no media type'})`);
  const isIndex = INDEX_TYPES.includes(mediaType) || (!mediaType && Array.isArray(doc.manifests));
  if (isIndex) {
    if (!Array.isArray(doc.manifests)) throw new Error('index has no manifests');
    return { kind: 'index', mediaType: mediaType || MediaType.OciIndex, manifests: doc.manifests.map(checkDescriptor) };
  }
  if (mediaType && !IMAGE_MANIFEST_TYPES.includes(mediaType)) throw new Error(`unsupported manifest media type ${mediaType}`);
  if (!Array.isArray(doc.layers)) throw new Error('manifest has no layers');
  return {
    kind: 'image',
    mediaType: mediaType || MediaType.OciManifest,
    config: checkDescriptor(doc.config),
    layers: doc.layers.map(checkDescriptor),
  };
}

function checkDescriptor(value: unknown): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d.mediaType !== 'string' || typeof d.digest !== 'string' || typeof d.size !== 'number') {
    throw new Error(`invalid descriptor ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return d as Descriptor;
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}
