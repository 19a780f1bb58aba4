// SLSA provenance v1 as an in-toto statement. What made the image: this tool (the build
// type), the attributes as given (external parameters; credentials are action inputs,
// never attributes, so none can appear), the sources it came from (the repository and
// commit of the workflow run, the flake's locked inputs from flake.lock) and, with
// `max`, every store path of the image with its narHash. The builder and invocation
// come from the workflow run. No clock is read: two equal builds in the same run give
// equal bytes.

import fs from 'node:fs';
import path from 'node:path';
import { narHashHex } from '../nix/pathInfo.ts';
import { TOOL_URI, TOOL_VERSION, type ImageContents } from '../sbom/contents.ts';

export const PROVENANCE_MODES = ['false', 'min', 'max'] as const;
export type ProvenanceMode = (typeof PROVENANCE_MODES)[number];
export const SLSA_PREDICATE_TYPE = 'https://slsa.dev/provenance/v1';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const BUILD_TYPE = `${TOOL_URI}/buildtypes/image/v1`;

/** `false`, `min`, `max`, and build-push-action's spellings (`true` = min, `mode=max`). */
export function parseProvenanceMode(text: string): ProvenanceMode | undefined {
  const t = text.trim().toLowerCase().replace(/^mode=/, '');
  if (t === '' || t === 'false') return 'false';
  if (t === 'true' || t === 'min') return 'min';
  if (t === 'max') return 'max';
  return undefined;
}

export interface Subject {
  name: string;
  digest: { sha256: string };
}

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ProvenanceInput {
  mode: 'min' | 'max';
  fn: string;
  /** The attributes as given (parsed spec). */
  attributes: Record<string, unknown>;
  image: ImageContents;
  /** GITHUB_* variables (the workflow run), when there is one. */
  env: NodeJS.ProcessEnv;
  /** The flake's locked inputs, if a flake.lock was found. */
  flakeInputs: ResourceDescriptor[];
}

export function provenanceStatement(subject: Subject, p: ProvenanceInput): Record<string, unknown> {
  const e = p.env;
  const server = e.GITHUB_SERVER_URL ?? 'https://github.com';
  const source: ResourceDescriptor[] =
    e.GITHUB_REPOSITORY && e.GITHUB_SHA ? [{ uri: `git+${server}/${e.GITHUB_REPOSITORY}@${e.GITHUB_REF ?? ''}`, digest: { gitCommit: e.GITHUB_SHA } }] : [];
  const storePaths: ResourceDescriptor[] =
    p.mode === 'max' ? p.image.packages.map((pkg) => ({ name: pkg.name, uri: pkg.path, digest: { sha256: pkg.narHash }, annotations: { narSize: String(pkg.narSize), layer: String(pkg.layer.index) } })) : [];
  const run = e.GITHUB_RUN_ID && e.GITHUB_REPOSITORY ? `${server}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}/attempts/${e.GITHUB_RUN_ATTEMPT ?? '1'}` : undefined;
  return {
    _type: STATEMENT_TYPE,
    subject: [subject],
    predicateType: SLSA_PREDICATE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: { function: p.fn, attributes: p.attributes },
        internalParameters: { version: TOOL_VERSION, platform: `${p.image.os}/${p.image.architecture}` },
        resolvedDependencies: [...source, ...p.flakeInputs, ...storePaths],
      },
      runDetails: {
        builder: { id: e.GITHUB_WORKFLOW_REF ? `${server}/${e.GITHUB_WORKFLOW_REF}` : TOOL_URI },
        metadata: run ? { invocationId: run } : {},
      },
    },
  };
}

interface LockNode {
  locked?: Record<string, unknown>;
  original?: Record<string, unknown>;
}

/** The locked inputs of `dir/flake.lock` (none when there is no such file). */
export function flakeLockInputs(dir: string): ResourceDescriptor[] {
  let lock: { nodes?: Record<string, LockNode> };
  try {
    lock = JSON.parse(fs.readFileSync(path.join(dir, 'flake.lock'), 'utf8'));
  } catch {
    return [];
  }
  return Object.entries(lock.nodes ?? {})
    .filter(([, n]) => n.locked)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => {
      const l = n.locked!;
      const str = (k: string) => (typeof l[k] === 'string' ? (l[k] as string) : undefined);
      const type = str('type') ?? 'unknown';
      const where = type === 'github' || type === 'gitlab' || type === 'sourcehut' ? `${str('owner')}/${str('repo')}` : (str('url') ?? str('path') ?? '');
      const rev = str('rev');
      const nar = str('narHash') ? narHashHex(str('narHash')!) : undefined;
      const digest = { ...(rev ? { gitCommit: rev } : {}), ...(nar ? { narSha256: nar } : {}) };
      return { name, uri: `${type}:${where}${rev ? `/${rev}` : ''}`, ...(Object.keys(digest).length ? { digest } : {}) };
    });
}
