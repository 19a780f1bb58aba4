import { FUNCTIONS, PLANNED_FUNCTIONS, type FunctionName } from '../spec/index.ts';

export function usage(): string {
  return `Usage: nix-docker <function> [--<attribute> VALUE ...] [--spec FILE] [--out PATH] [--load] [--json]

Builds Docker images the way Nix's dockerTools does.

Functions:
${Object.keys(FUNCTIONS).map((f) => `  ${f}`).join('\n')}
${PLANNED_FUNCTIONS.length ? `Coming later: ${PLANNED_FUNCTIONS.join(', ')}\n` : ''}
Other commands:
  prefetch --image-name N --image-tag T [--os --arch --final-image-name --final-image-tag]
                print the pullImage attribute set for an image (like nix-prefetch-docker)
  push ARCHIVE REF...      push an existing docker-archive (ours, dockerTools', docker save's)
  manifest REF --platform-image REF...   one multi-arch index over images already pushed

Attributes carry the dockerTools names (--name, --tag, --contents, --config, --maxLayers, ...).
Lists repeat the flag or take JSON; objects, numbers and booleans take JSON.
  --spec FILE   a JSON object of attributes (flags override it)
  --out PATH    write the archive there (buildLayeredImage: default <name>.tar.gz;
                mergeImages: merge-docker-images.tar.gz, .tar.zst or .tar as the output is compressed;
                exportImage: <name>, an uncompressed filesystem tar for docker image import)
  --load        load the image into Docker (DOCKER_HOST or the default socket)
  --json        print a JSON report on stdout
  --push REF    push the image to a registry (repeatable; no archive needed)
  --tls-verify false        plain HTTP / unverified TLS for registries
  --registry-username U     with --registry-password-stdin or NIX_DOCKER_REGISTRY_PASSWORD
                (otherwise credentials come from the Docker config, as docker login left them)
  --format oci  push an OCI manifest (zstd layers always do)
  --sbom        write <out>.spdx.json (SPDX 2.3) and <out>.cdx.json (CycloneDX 1.6) of the image's
                store paths, and attach the SPDX SBOM to pushed images (as BuildKit does)
  --provenance min|max      write <out>.provenance.json (SLSA v1) and attach it to pushed images;
                max lists every store path with its narHash
  --attestations referrers  attach them as OCI 1.1 referrers of the image (subject; the
                referrers tag where the registry has no referrers API) instead of an index
  --cache-dir D / --no-cache / --cache-budget 8G   the layer cache (default $XDG_CACHE_HOME/nix-docker)
  --platforms linux/amd64,linux/arm64   one image per platform under one OCI index (layered
                functions, buildImage without runAsRoot); the archive is <name>.oci.tar, --load
                loads this machine's platform; --sbom/--provenance per platform
                (<out>.<os>-<arch>.spdx.json, ...; an attestation manifest each in the index)
  --push-by-digest  with --platforms: push the index untagged, for a later 'manifest' merge
  --work-dir D  where temporary files go (default: the system temp dir)
  -v            verbose

'nix-docker <function> --help' lists the attributes of a function.
`;
}

export function functionHelp(fn: FunctionName): string {
  const table: Record<string, { doc: string; default?: unknown; required?: boolean }> = FUNCTIONS[fn];
  const lines = Object.entries(table).map(([k, a]) => {
    const def = a.required ? 'required' : `default: ${JSON.stringify(a.default ?? null)}`;
    return `  --${k.padEnd(20)} ${a.doc} (${def})`;
  });
  return `Usage: nix-docker ${fn} [attributes] [--out PATH] [--load] [--json]\n\nAttributes:\n${lines.join('\n')}\n`;
}
