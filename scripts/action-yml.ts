// Writes action.yml from the attribute table and the action's own inputs, so the inputs
// always carry the documented names, defaults and descriptions. `--check` fails when
// action.yml is stale.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { FUNCTIONS } from '../src/spec/attributes.ts';
import { allAttributeNames } from '../src/action/inputs.ts';
import { DEFAULT_FUNCTION, Input, MANIFEST_FUNCTION, Output, type InputName, type OutputName } from '../src/action/constants.ts';
import { MULTI_PLATFORM_FUNCTIONS } from '../src/functions/platforms.ts';
import { DEFAULT_ACTIONS_BUDGET, DEFAULT_PREFIX } from '../src/cache/actions/index.ts';

const file = path.resolve(import.meta.dirname, '../action.yml');
type InputDoc = { description: string; required: boolean; default?: string };
const inputs: Record<string, InputDoc> = {};

// `function` carries no action.yml default: with `image` it must be left out, and a
// default would make it look given.
inputs[Input.Function] = {
  description: `The dockerTools function: ${Object.keys(FUNCTIONS).join(', ')}; or \`${MANIFEST_FUNCTION}\`, which builds nothing and pushes one index of the images in \`sources\` (the last job of a matrix). Default: ${DEFAULT_FUNCTION} (unless \`image\` is given).`,
  required: false,
};
inputs[Input.Image] = {
  description:
    'Deliver an image dockerTools built already instead of building one: a path or an installable (`.#dockerImage`, `./result`, `image.nix#attr`, a store path) realising to a docker-archive (tar, gzip or zstd) or to a streamLayeredImage script (run, its output delivered). Not used with `function` or attribute inputs.',
  required: false,
};

// Attribute inputs carry no action.yml default either: a default would make every input
// look given, and an input the chosen function does not take is an error. The spec
// supplies the documented defaults; the description states them.
for (const name of allAttributeNames()) {
  const owners = Object.entries(FUNCTIONS).filter(([, t]) => Object.hasOwn(t, name)) as [string, Record<string, { doc: string; default?: unknown; required?: boolean; kind: { type: string } }>][];
  const attr = owners[0]![1][name]!;
  const defaults = new Map<string, string[]>();
  for (const [fn, table] of owners) {
    const d = table[name]!;
    // A null default the doc explains already ("default: the host's") is not repeated.
    if (!d.required && (d.default ?? null) === null && /default:/i.test(d.doc)) continue;
    const shown = d.required ? 'required' : `default: ${JSON.stringify(d.default ?? null)}`;
    defaults.set(shown, [...(defaults.get(shown) ?? []), fn]);
  }
  const covered = [...defaults.values()].flat().length;
  const defaultText = [...defaults].map(([d, fns]) => (defaults.size > 1 || covered < owners.length ? `${d} for ${fns.join(', ')}` : d)).join('; ');
  const form = attr.kind.type === 'paths' ? ' One item per line (or a JSON list).' : attr.kind.type === 'object' ? ' JSON or YAML.' : '';
  inputs[name] = { description: `${attr.doc}${form}${defaultText ? ` ${defaultText}.` : ''} Functions: ${owners.map(([f]) => f).join(', ')}.`, required: false };
}

const own: Record<Exclude<InputName, 'function' | 'image'>, InputDoc> = {
  [Input.Out]: { description: 'Where to write the image archive. Default: $RUNNER_TEMP/<name>.tar.gz (.tar.zst, .tar by compressor).', required: false },
  [Input.Load]: { description: "Load the image into the runner's Docker.", required: false, default: 'false' },
  [Input.Artifact]: {
    description:
      'Upload the archive as a workflow artifact, unzipped (docker load -i takes it as downloaded): `true` names it after the archive file, any other value is the name (the archive ending is added when missing).',
    required: false,
    default: 'false',
  },
  [Input.Push]: {
    description:
      "Push the image to the registries `tags` name (docker/build-push-action's `push`): true or false. Without `tags` the image goes to its own name:tag. Anything else is an error: references go in `tags`.",
    required: false,
    default: 'false',
  },
  [Input.Tags]: {
    description:
      "Image references, one per line or comma-separated (docker/metadata-action's `tags` output as is): pushed to with `push: true`; with `load` the loaded image is tagged with them too. Without `push` nothing is pushed (a notice says so).",
    required: false,
  },
  [Input.Labels]: {
    description: "Labels merged into config.Labels, one key=value per line (docker/metadata-action's `labels` output works as is).",
    required: false,
  },
  [Input.Annotations]: {
    description:
      "OCI annotations of the pushed image, one [level:]key=value per line (docker/metadata-action's `annotations` output as is). Levels: manifest (the default), index and manifest-descriptor (the index pushed with sbom/provenance attestations), index-descriptor (not used by a push). With manifest annotations `format: auto` pushes an OCI manifest.",
    required: false,
  },
  [Input.Summary]: { description: 'Write the job summary (the image, where it went, its layers, bytes moved, time per phase).', required: false, default: 'true' },
  [Input.Overwrite]: {
    description: "As actions/upload-artifact's: true deletes an artifact of the same name uploaded before in this run, then uploads; false fails when the name is taken.",
    required: false,
    default: 'false',
  },
  [Input.RetentionDays]: {
    description: "As actions/upload-artifact's: days to keep the artifact (1 to 90, at most the repository's limit); 0 or empty for the repository's default.",
    required: false,
  },
  [Input.RegistryUsername]: { description: 'Username for the registries pushed to (else the Docker config docker/login-action wrote).', required: false },
  [Input.RegistryPassword]: { description: 'Password or token for registry-username.', required: false },
  [Input.GithubToken]: {
    description: 'Token for ghcr.io when neither registry-username nor the Docker config has credentials for it (needs `packages: write`).',
    required: false,
    default: '${{ github.token }}',
  },
  [Input.TlsVerify]: { description: "Verify registries' TLS certificates; false also allows plain HTTP (local registries).", required: false, default: 'true' },
  [Input.Format]: { description: 'Manifest format for push: auto (Docker v2 for gzip layers, OCI for zstd), docker or oci.', required: false, default: 'auto' },
  [Input.Cache]: { description: 'Keep built layers in the GitHub Actions cache (restored in the step, saved in its post step).', required: false, default: 'true' },
  [Input.CacheKeyPrefix]: { description: 'First part of the layer cache entry keys.', required: false, default: DEFAULT_PREFIX },
  [Input.CacheBudget]: {
    description: `Most bytes of compressed layers to keep in the Actions cache (2G, 512M, ...); least recently used go first. Default: ${DEFAULT_ACTIONS_BUDGET / 1024 ** 3}G.`,
    required: false,
  },
  [Input.Kvm]: {
    description:
      "runAsRoot's VM: auto (enable KVM on GitHub-hosted runners through a udev rule, fall back to TCG emulation with a warning), true (KVM or fail), false (TCG).",
    required: false,
    default: 'auto',
  },
  [Input.Sbom]: {
    description:
      "SBOM of the image's Nix closure (every store path with its narHash, layer and references): SPDX 2.3 and CycloneDX 1.6 files beside the archive, the SPDX one attached to pushed images as BuildKit does.",
    required: false,
    default: 'false',
  },
  [Input.Attestations]: {
    description:
      'How sbom and provenance go with pushed images: index (as BuildKit: the tags name an index of the image and its attestation manifest; with `platforms`, of every platform image and one attestation manifest each, in the archive too) or referrers (OCI 1.1 referrers of the image, of each platform image; the referrers tag where the registry has no referrers API).',
    required: false,
    default: 'index',
  },
  [Input.Platforms]: {
    description: `Build for these platforms, as build-push-action takes them (\`linux/amd64,linux/arm64\`, \`linux/arm/v7\`; or Nix systems): one image per platform, its installables realised for that platform's Nix system (\`{system}\` in an installable names it), under one OCI index. The archive is an OCI image layout (\`<name>.oci.tar\`, for skopeo and podman); \`load\` loads the runner's own platform; \`push\` sends every platform and the index. Functions: ${MULTI_PLATFORM_FUNCTIONS.join(', ')}.`,
    required: false,
  },
  [Input.PushByDigest]: {
    description: "With `platforms`: push the index without a tag (one job of a matrix); the `digest` output names it for a last job with `function: manifest`.",
    required: false,
    default: 'false',
  },
  [Input.Sources]: {
    description: `With \`function: ${MANIFEST_FUNCTION}\`: the images to put under one index, one per line: \`repository@sha256:...\`, or \`sha256:...\` (in each repository pushed to). Images that are indexes contribute their platforms.`,
    required: false,
  },
  [Input.Provenance]: {
    description: 'SLSA v1 provenance (in-toto): false, min, or max (also every store path with its narHash); a file beside the archive, attached to pushed images.',
    required: false,
    default: 'false',
  },
};
Object.assign(inputs, own);

const outputs: Record<OutputName, { description: string }> = {
  [Output.ImageTag]: { description: "The image's own tag, as in the archive (derived from its content when `tag` is empty); the tags pushed are in `pushed` and `metadata`." },
  [Output.Image]: { description: 'The first reference pushed to; when nothing is pushed, name:tag of the image.' },
  [Output.Digest]: { description: 'The digest (sha256:...) pushed: the manifest, or the index when attestations make one; empty when nothing was pushed. With `platforms`: the index digest (the archive holds the same index), pushed or not.' },
  [Output.ImageId]: { description: 'The config digest (sha256:...), as `docker images --no-trunc` shows it.' },
  [Output.ImageIdBp]: { description: "The config digest (sha256:...): docker/build-push-action's name for `image-id`." },
  [Output.Metadata]: {
    description:
      "JSON as docker/build-push-action's `metadata`: containerimage.config.digest, containerimage.digest (what was pushed), image.name (the references pushed to, comma-separated).",
  },
  [Output.Archive]: { description: 'Path of the image archive.' },
  [Output.ArtifactId]: { description: 'ID of the uploaded artifact.' },
  [Output.ArtifactName]: { description: 'Name of the uploaded artifact.' },
  [Output.Pushed]: { description: 'JSON list, one entry per manifest pushed (a repository): refs (the references given that name it), reference (repository@digest), digest, tags, and the uploaded/skipped/mounted blob counts of that push.' },
  [Output.Sbom]: { description: "Path of the SPDX 2.3 SBOM (with `sbom: true`). With `platforms`: the first platform's (every platform's is in the `platforms` output)." },
  [Output.SbomCyclonedx]: { description: "Path of the CycloneDX 1.6 SBOM (with `sbom: true`). With `platforms`: the first platform's." },
  [Output.Provenance]: { description: "Path of the SLSA provenance statement (with `provenance`). With `platforms`: the first platform's." },
  [Output.Platforms]: {
    description:
      'With `platforms` or `function: manifest`: JSON list of the platforms in the index: platform, digest (its image manifest), image_id; with sbom/provenance also sbom, sbom_cyclonedx, provenance (its files, `<out>.<os>-<arch>[-variant].spdx.json`, ...) and attestation_digest (its attestation manifest in the index, `attestations: index`).',
  },
  [Output.Layers]: { description: 'JSON list of layers, bottom first: diff_id, digest, size, compressed_size, paths, cached, platform (with `platforms`), pushed ({repository: uploaded|skipped|mounted}).' },
};

const doc = {
  name: 'nix-docker-action',
  description: "Build Docker images the way Nix's dockerTools does, with layer caches and reproducible bytes.",
  branding: { icon: 'package', color: 'blue' },
  inputs,
  outputs,
  runs: { using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' },
};
const text = `# Generated by scripts/action-yml.ts from src/spec/attributes.ts and src/action/constants.ts: edit those, then run npm run build.\n${stringify(doc, { lineWidth: 0 })}`;
if (process.argv.includes('--check')) {
  if (fs.readFileSync(file, 'utf8') !== text) {
    console.error('action.yml is stale: run npm run build');
    process.exit(1);
  }
} else fs.writeFileSync(file, text);
