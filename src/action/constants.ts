// Names of the action's own inputs, its outputs and its post-step state, in one place:
// action.yml (scripts/action-yml.ts), the entries and the tests all read them from here.
// The dockerTools attribute inputs are not listed: they come from src/spec/attributes.ts.

/** Action-only inputs (kebab-case; the attribute inputs carry dockerTools' own names). */
export const Input = {
  Function: 'function',
  Image: 'image',
  Out: 'out',
  Load: 'load',
  Artifact: 'artifact',
  Overwrite: 'overwrite',
  RetentionDays: 'retention-days',
  Push: 'push',
  Tags: 'tags',
  Labels: 'labels',
  Annotations: 'annotations',
  RegistryUsername: 'registry-username',
  RegistryPassword: 'registry-password',
  GithubToken: 'github-token',
  TlsVerify: 'tls-verify',
  Format: 'format',
  Cache: 'cache',
  CacheKeyPrefix: 'cache-key-prefix',
  CacheBudget: 'cache-budget',
  Kvm: 'kvm',
  Sbom: 'sbom',
  Provenance: 'provenance',
  Attestations: 'attestations',
  Platforms: 'platforms',
  PushByDigest: 'push-by-digest',
  Sources: 'sources',
  Summary: 'summary',
} as const;
export type InputName = (typeof Input)[keyof typeof Input];

export const Output = {
  ImageTag: 'imageTag',
  Image: 'image',
  Digest: 'digest',
  ImageId: 'image-id',
  /** docker/build-push-action's names for the same facts. */
  ImageIdBp: 'imageid',
  Metadata: 'metadata',
  Archive: 'archive',
  ArtifactId: 'artifact-id',
  ArtifactName: 'artifact-name',
  Pushed: 'pushed',
  Layers: 'layers',
  Sbom: 'sbom',
  SbomCyclonedx: 'sbom-cyclonedx',
  Provenance: 'provenance',
  Platforms: 'platforms',
} as const;
export type OutputName = (typeof Output)[keyof typeof Output];

/** What the main step leaves for the post step (core.saveState / getState). */
export const State = {
  /** JSON of the layer cache's settings, when main used the Actions cache. */
  Cache: 'layer-cache',
  /** Set once main has run (the post step of a main that failed early has nothing to do). */
  MainRan: 'main-ran',
} as const;

export const DEFAULT_FUNCTION = 'buildLayeredImage';
/** `function: manifest`: no image built; the images in `sources` go under one index at the push references. */
export const MANIFEST_FUNCTION = 'manifest';
export const KVM_MODES = ['auto', 'true', 'false'] as const;
export type KvmInput = (typeof KVM_MODES)[number];
export const FORMATS = ['auto', 'docker', 'oci'] as const;

/** The one line that tells a workflow without Nix what to add. */
export const NIX_MISSING =
  'Nix is not installed on this runner: add `- uses: cachix/install-nix-action@v31` (or DeterminateSystems/nix-installer-action) before this step';
