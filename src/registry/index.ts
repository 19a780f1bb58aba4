// The registry client's public surface. See README.md in this folder for its shape.

export { parseReference, formatReference, manifestReference, registryApiHost, InvalidReferenceError, DOCKER_HUB, type Reference } from './reference.ts';
export { RegistryClient, openRegistry, type RegistryClientOptions } from './client.ts';
export { resolveCredentials, dockerConfigPath, runCredentialHelper, CredentialsError, type Credentials, type Env } from './credentials.ts';
export { RegistryError, redactUrl, type RegistryDiagnostic } from './errors.ts';
export { DigestMismatchError, sha256Digest, isDigest } from './digest.ts';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
export { parseChallenges, repositoryScope, type Challenge } from './auth.ts';
export {
  blobExists,
  mountBlob,
  startUpload,
  uploadMonolithic,
  uploadChunked,
  pushBlob,
  openBlob,
  fetchBlob,
  bytesSource,
  DEFAULT_CHUNK_SIZE,
  type BlobSource,
  type BlobReport,
  type BlobStatus,
  type UploadOptions,
} from './blobs.ts';
export { putManifest, getManifest, headManifest, type FetchedManifest } from './manifests.ts';
export {
  MediaType,
  MANIFEST_ACCEPT,
  buildImageManifest,
  buildIndex,
  parseManifest,
  chooseFormat,
  layerMediaType,
  layerCompression,
  configMediaType,
  platformString,
  type BuiltManifest,
  type Descriptor,
  type ManifestFormat,
  type LayerCompression,
  type ParsedManifest,
  type Platform,
} from './manifest.ts';
export { pushImage, DEFAULT_JOBS, type ImageToPush, type PushOptions, type PushResult } from './push.ts';
export { pushIndex, type IndexOptions, type IndexResult } from './multiarch.ts';
