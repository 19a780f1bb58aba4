// The image's SBOM and provenance, for one build: the store paths of its layers are
// asked of Nix once (narHash, deriver), then the documents are made for whatever the
// build produced — statements for each pushed image (src/registry/attest.ts attaches
// them) and files beside the output. Everything here is deterministic: documents
// depend on the image, the attributes and the workflow run, never on the clock.

import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { storePathInfo, type PathInfo } from '../nix/pathInfo.ts';
import { storeDir, toStorePath } from '../nix/index.ts';
import { derivationMeta, type PackageMeta } from '../nix/meta.ts';
import type { Logger } from '../util/log.ts';
import { flakeLockInputs, provenanceStatement, SLSA_PREDICATE_TYPE, type ProvenanceMode } from '../provenance/index.ts';
import type { Statement } from '../registry/attest.ts';
import type { AttestedImage } from '../sinks/push.ts';
import { jsonBytes, type LayerRecord } from '../image/config.ts';
import { ARCHIVE_ENDING } from '../compress/index.ts';
import { imagePackages, type ImageContents } from './contents.ts';
import { cycloneDxDocument } from './cyclonedx.ts';
import { SPDX_PREDICATE_TYPE, spdxDocument } from './spdx.ts';

export { parseProvenanceMode, PROVENANCE_MODES, type ProvenanceMode } from '../provenance/index.ts';

export interface AttestationSettings {
  sbom: boolean;
  provenance: ProvenanceMode;
  /** Where the files go, and the first part of their names (`<base>.spdx.json`, ...). */
  dir: string;
  base: string;
  /** GITHUB_* of the workflow run. */
  env: NodeJS.ProcessEnv;
  /** Where flake.lock is looked for (the workspace). */
  sourceDir: string;
}

/**
 * The settings for what was asked (undefined when neither): the files go beside the
 * archive, named after it without its ending (`app.tar.gz` → `app.spdx.json`; `.oci.tar`
 * counts as one), else in the working directory under `name`.
 */
export function attestationSettings(
  asked: { sbom: boolean; provenance: ProvenanceMode },
  place: { out?: string; name: string; env: NodeJS.ProcessEnv; sourceDir: string },
): AttestationSettings | undefined {
  if (!asked.sbom && asked.provenance === 'false') return undefined;
  const dir = place.out ? path.dirname(place.out) : process.cwd();
  const base = place.out ? path.basename(place.out).replace(ARCHIVE_ENDING, '') : place.name;
  return { sbom: asked.sbom, provenance: asked.provenance, dir, base, env: place.env, sourceDir: place.sourceDir };
}

/** What the build made, as far as the documents need it. */
export interface AttestedPlan {
  imageName: string;
  layers: readonly { paths: readonly string[] }[];
  makeConfig(layers: LayerRecord[]): Record<string, unknown> | Uint8Array;
  imageTag(configDigestHex: string): string;
}

export interface SbomReport {
  /** Files written (absent when not asked). */
  spdx?: string;
  cyclonedx?: string;
  provenance?: string;
  packages: number;
  /** sha256 of the SPDX and CycloneDX files. */
  digests: Record<string, string>;
  /** The largest store paths (job summary). */
  largest: { path: string; narSize: number }[];
}

export class Attestor {
  private infos?: Promise<PathInfo[]>;
  private meta?: Promise<Map<string, PackageMeta>>;
  private lastPushed?: AttestedImage;

  private readonly settings: AttestationSettings;
  private readonly fn: string;
  private readonly attributes: Record<string, unknown>;

  private readonly log?: Logger;

  constructor(settings: AttestationSettings, fn: string, attributes: Record<string, unknown>, log?: Logger) {
    this.log = log;
    this.settings = settings;
    this.fn = fn;
    this.attributes = attributes;
  }

  get enabled(): boolean {
    return this.settings.sbom || this.settings.provenance !== 'false';
  }

  /**
   * Asks Nix about the image's store paths (once): those its layers name, which are the
   * store layers' paths, and for buildImage the closure its one layer holds.
   */
  prepare(plan: AttestedPlan): Promise<PathInfo[]> {
    // meta is best effort: what does not evaluate is left out, said at debug level.
    const items = ['contents', 'copyToRoot'].flatMap((k) => (Array.isArray(this.attributes[k]) ? (this.attributes[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []));
    this.meta ??= derivationMeta(items, process.cwd(), (item, why) => this.log?.debug(`no meta for ${item}: ${why}`)).catch(() => new Map());
    this.infos ??= storeDir().then((dir) => storePathInfo([...new Set(plan.layers.flatMap((l) => l.paths).filter((p) => toStorePath(p, dir) === p))].sort()));
    return this.infos;
  }

  /** The statements for one pushed image (SBOM in SPDX and CycloneDX, provenance). */
  async statements(plan: AttestedPlan, image: AttestedImage): Promise<Statement[]> {
    this.lastPushed = image;
    const contents = await this.contents(plan, image.config, image.diffIds);
    const subject = { name: `pkg:docker/${contents.name}@${contents.tag}?platform=${encodeURIComponent(`${image.platform.os}/${image.platform.architecture}`)}`, digest: { sha256: image.digest.slice('sha256:'.length) } };
    const statement = (predicateType: string, predicate: unknown): Statement => ({
      predicateType,
      bytes: Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [subject], predicateType, predicate })),
    });
    const out: Statement[] = [];
    if (this.settings.sbom) out.push(statement(SPDX_PREDICATE_TYPE, spdxDocument(contents)));
    if (this.settings.provenance !== 'false') {
      out.push({ predicateType: SLSA_PREDICATE_TYPE, bytes: Buffer.from(JSON.stringify(this.provenance(contents, subject))) });
    }
    return out;
  }

  /**
   * Writes the files: `<base>.spdx.json`, `<base>.cdx.json`, `<base>.provenance.json`
   * (whose subject is the pushed image manifest, or else the image config: the image id).
   */
  async writeFiles(plan: AttestedPlan, built: { layers: readonly LayerRecord[] }): Promise<SbomReport> {
    const diffIds = built.layers.length ? built.layers.map((l) => l.diffId) : (this.lastPushed?.diffIds ?? []);
    const records = plan.layers.map((l, i) => ({ diffId: diffIds[i] ?? '', paths: [...l.paths] }));
    const made = plan.makeConfig(records);
    const configBytes = made instanceof Uint8Array ? made : jsonBytes(made);
    const contents = await this.contents(plan, configBytes, diffIds);
    const { dir, base } = this.settings;
    await fsp.mkdir(dir, { recursive: true });
    const report: SbomReport = {
      packages: contents.packages.length,
      digests: {},
      largest: [...contents.packages].sort((a, b) => b.narSize - a.narSize || (a.path < b.path ? -1 : 1)).slice(0, 10).map((p) => ({ path: p.path, narSize: p.narSize })),
    };
    const write = async (kind: 'spdx' | 'cyclonedx' | 'provenance', name: string, doc: unknown) => {
      const file = path.resolve(dir, `${base}.${name}`);
      const bytes = `${JSON.stringify(doc, null, 2)}\n`;
      await fsp.writeFile(file, bytes);
      report[kind] = file;
      report.digests[kind] = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    };
    if (this.settings.sbom) {
      await write('spdx', 'spdx.json', spdxDocument(contents));
      await write('cyclonedx', 'cdx.json', cycloneDxDocument(contents));
    }
    if (this.settings.provenance !== 'false') {
      const pushed = this.lastPushed;
      const subject = pushed
        ? { name: `pkg:docker/${contents.name}@${contents.tag}`, digest: { sha256: pushed.digest.slice('sha256:'.length) } }
        : { name: `${contents.name}:${contents.tag}`, digest: { sha256: createHash('sha256').update(configBytes).digest('hex') } };
      await write('provenance', 'provenance.json', this.provenance(contents, subject));
    }
    return report;
  }

  private provenance(contents: ImageContents, subject: { name: string; digest: { sha256: string } }): Record<string, unknown> {
    return provenanceStatement(subject, {
      mode: this.settings.provenance === 'max' ? 'max' : 'min',
      fn: this.fn,
      attributes: this.attributes,
      image: contents,
      env: this.settings.env,
      flakeInputs: flakeLockInputs(this.settings.sourceDir),
    });
  }

  private async contents(plan: AttestedPlan, configBytes: Uint8Array, diffIds: readonly string[]): Promise<ImageContents> {
    const config = JSON.parse(Buffer.from(configBytes).toString('utf8')) as { created?: string; architecture?: string; os?: string };
    const hex = createHash('sha256').update(configBytes).digest('hex');
    return {
      name: plan.imageName,
      tag: plan.imageTag(hex),
      created: isoSeconds(config.created),
      architecture: config.architecture ?? 'unknown',
      os: config.os ?? 'unknown',
      packages: imagePackages(await this.prepare(plan), plan.layers, diffIds, await this.meta),
    };
  }
}

/** SPDX and CycloneDX want `YYYY-MM-DDThh:mm:ssZ`; configs say `+00:00` (Python's isoformat) or `Z`. */
function isoSeconds(created: string | undefined): string {
  const t = created ? Date.parse(created) : NaN;
  return new Date(Number.isNaN(t) ? 1000 : t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
