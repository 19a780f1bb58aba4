// The SBOM as CycloneDX 1.6 JSON: the image is the metadata's component (a container),
// each store path a library component (bom-ref: the store path) with its narHash as
// SHA-256, the Nix references as the dependency graph, and the image depending on the
// paths nothing else refers to. The serial number is derived from the content.

import { createHash } from 'node:crypto';
import { canonicalJson, TOOL_NAME, TOOL_VERSION, topLevel, type ImageContents } from './contents.ts';
import { licenseExpression, purl } from './spdx.ts';

export const CYCLONEDX_PREDICATE_TYPE = 'https://cyclonedx.org/bom';

export function cycloneDxDocument(image: ImageContents): Record<string, unknown> {
  const imageRef = `image:${image.name}:${image.tag}`;
  const components = image.packages.map((p) => ({
    type: 'library',
    'bom-ref': p.path,
    name: p.name,
    ...(p.version ? { version: p.version } : {}),
    ...(p.meta?.description ? { description: p.meta.description } : {}),
    hashes: [{ alg: 'SHA-256', content: p.narHash }],
    ...(licenseExpression(p) ? { licenses: [{ expression: licenseExpression(p) }] } : {}),
    purl: purl(p),
    ...(p.meta?.homepage ? { externalReferences: [{ type: 'website', url: p.meta.homepage }] } : {}),
    properties: [
      { name: 'nix:store_path', value: p.path },
      { name: 'nix:nar_size', value: String(p.narSize) },
      ...(p.deriver ? [{ name: 'nix:drv_path', value: p.deriver }] : []),
      { name: 'nix-docker:layer', value: String(p.layer.index) },
      ...(p.layer.diffId ? [{ name: 'nix-docker:layer_diff_id', value: p.layer.diffId }] : []),
    ],
  }));
  const dependencies = [
    { ref: imageRef, dependsOn: topLevel(image.packages) },
    ...image.packages.map((p) => ({ ref: p.path, dependsOn: p.references })),
  ];
  const metadata = {
    timestamp: image.created,
    tools: { components: [{ type: 'application', name: TOOL_NAME, version: TOOL_VERSION }] },
    component: { type: 'container', 'bom-ref': imageRef, name: image.name, version: image.tag, properties: [{ name: 'nix-docker:platform', value: `${image.os}/${image.architecture}` }] },
  };
  const hex = createHash('sha256').update(canonicalJson({ metadata, components, dependencies })).digest('hex');
  // A version-4-shaped UUID from the content: equal images, equal serial numbers.
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuid}`,
    version: 1,
    metadata,
    components,
    dependencies,
  };
}
