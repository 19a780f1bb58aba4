// The SBOM as SPDX 2.3 JSON: the image is the described package, each store path a
// package it CONTAINS, the Nix references DEPENDS_ON edges. A store path's checksum is
// its narHash (the sha256 of its NAR serialisation, what Nix itself verifies); its
// packageFileName the store path; the layer that holds it is said in its comment. The
// namespace is derived from the content, so equal images give equal documents.

import { createHash } from 'node:crypto';
import { canonicalJson, storePathHash, TOOL_NAME, TOOL_VERSION, type ImageContents, type StorePackage } from './contents.ts';

export const SPDX_PREDICATE_TYPE = 'https://spdx.dev/Document';

const IMAGE_ID = 'SPDXRef-Image';

/** SPDX ids allow letters, digits, `.` and `-`. */
function spdxId(p: StorePackage): string {
  return `SPDXRef-StorePath-${storePathHash(p.path)}-${p.name.replace(/[^A-Za-z0-9.-]/g, '-')}`;
}

export function purl(p: StorePackage): string {
  return `pkg:nix/${encodeURIComponent(p.name)}${p.version ? `@${encodeURIComponent(p.version)}` : ''}?output=${encodeURIComponent(p.path)}`;
}

/** nixpkgs' licenses as an SPDX expression, when every one has an SPDX id. */
export function licenseExpression(p: StorePackage): string | undefined {
  const ids = p.meta?.licenses ?? [];
  return ids.length > 0 && ids.every((id) => /^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(id)) ? ids.join(' AND ') : undefined;
}

export function spdxDocument(image: ImageContents): Record<string, unknown> {
  const ids = new Map(image.packages.map((p) => [p.path, spdxId(p)]));
  const packages = [
    {
      SPDXID: IMAGE_ID,
      name: image.name,
      versionInfo: image.tag,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
      comment: `Image ${image.name}:${image.tag} (${image.os}/${image.architecture})`,
    },
    ...image.packages.map((p) => ({
      SPDXID: ids.get(p.path),
      name: p.name,
      ...(p.version ? { versionInfo: p.version } : {}),
      packageFileName: p.path,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      checksums: [{ algorithm: 'SHA256', checksumValue: p.narHash }],
      ...(p.meta?.homepage ? { homepage: p.meta.homepage } : {}),
      ...(p.meta?.description ? { description: p.meta.description } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: licenseExpression(p) ?? 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl(p) }],
      comment: `Nix store path ${p.path}, NAR size ${p.narSize}, in image layer ${p.layer.index}${p.layer.diffId ? ` (${p.layer.diffId})` : ''}${p.deriver ? `, built by ${p.deriver}` : ''}`,
    })),
  ];
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: IMAGE_ID },
    ...image.packages.map((p) => ({ spdxElementId: IMAGE_ID, relationshipType: 'CONTAINS', relatedSpdxElement: ids.get(p.path) })),
    ...image.packages.flatMap((p) => p.references.map((r) => ({ spdxElementId: ids.get(p.path), relationshipType: 'DEPENDS_ON', relatedSpdxElement: ids.get(r) }))),
  ];
  const body = { packages, relationships };
  const digest = createHash('sha256').update(canonicalJson({ name: image.name, tag: image.tag, body })).digest('hex');
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${image.name}:${image.tag}`,
    documentNamespace: `https://spdx.org/spdxdocs/${TOOL_NAME}/${encodeURIComponent(image.name)}-${digest}`,
    creationInfo: { created: image.created, creators: [`Tool: ${TOOL_NAME}-${TOOL_VERSION}`] },
    ...body,
  };
}
