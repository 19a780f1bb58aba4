// The job summary (GITHUB_STEP_SUMMARY): the image, where it went, a table of its layers
// (store paths, sizes, cache hit, what each registry did with it), the bytes moved and
// the time each phase took. Main writes one; post adds the cache save. A summary that
// cannot be written is a warning, never a failure.

import * as core from '@actions/core';
import type { CacheStats, SaveReport } from '../cache/index.ts';
import { formatBytes, formatSeconds, type Phase } from './log.ts';
import { bytesPushed, layerCounts, pushRows, pushStatus, shownImage, type LayerOut, type StepReport } from './report.ts';
import type { SbomReport } from '../sbom/index.ts';

type SummaryTableRow = Parameters<typeof core.summary.addTable>[0][number];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (s: string) => `<code>${esc(s)}</code>`;
const th = (data: string) => ({ data, header: true });
/** A cell with nothing to say still says so: core.summary leaves an empty cell unclosed. */
const NONE = '—';

/** Store path → its name without the hash; archive member → as is. */
function shortPath(p: string): string {
  const m = /^\/nix\/store\/[0-9a-z]{32}-(.+)$/.exec(p);
  return m ? m[1]! : p;
}

function pathsCell(paths: string[]): string {
  if (paths.length === 0) return '<i>customisation</i>';
  const shown = paths.slice(0, 4).map((p) => `<span title="${esc(p)}">${code(shortPath(p))}</span>`);
  return `${shown.join(' ')}${paths.length > 4 ? ` and ${paths.length - 4} more` : ''}`;
}

export interface SummaryContext {
  phases: Phase[];
  cache?: { kind: string; stats: CacheStats };
  archiveBytes?: number;
}

/** Bytes this step moved: written, loaded, pushed, uploaded as an artifact, restored from the cache. */
export function bytesMoved(report: StepReport, ctx: SummaryContext): { label: string; bytes: number }[] {
  const rows: { label: string; bytes: number }[] = [];
  if (ctx.archiveBytes !== undefined && report.archiveWritten) rows.push({ label: 'archive written', bytes: ctx.archiveBytes });
  if (report.loaded.length && ctx.archiveBytes !== undefined) rows.push({ label: 'loaded into Docker', bytes: ctx.archiveBytes });
  if (report.pushed.length) rows.push({ label: 'pushed (uploaded blobs)', bytes: bytesPushed(report) });
  if (report.artifact) rows.push({ label: 'artifact uploaded', bytes: report.artifact.size });
  if (ctx.cache?.stats.bytesRestored) rows.push({ label: 'restored from the layer cache', bytes: ctx.cache.stats.bytesRestored });
  return rows;
}

/** The first column: store paths for layers built here, the diff_id for an archive's layers. */
function layerCell(report: StepReport, l: LayerOut): string {
  if (report.layersFrom === 'build') return pathsCell(l.paths);
  return `<span title="${esc(`${l.diffId} (${l.paths.join(', ')})`)}">${code(l.diffId.slice(0, 'sha256:'.length + 12))}</span>`;
}

function cacheCell(report: StepReport, l: LayerOut): string {
  if (report.layersFrom === 'build') return l.cached ? 'hit' : 'built';
  // An archive's layer: the cache holds its compressed form, if anything.
  return l.cached ? 'hit' : l.compressedSize !== undefined ? 'miss' : NONE;
}

export function buildSummary(report: StepReport, ctx: SummaryContext): typeof core.summary {
  const s = core.summary;
  s.addHeading(`nix-docker: ${esc(shownImage(report))}`, 3);
  const facts: SummaryTableRow[] = [
    [th('Function'), code(report.function)],
    [th('Image'), code(report.image)],
    ...(report.configDigest ? [[th('Image ID'), report.configDigest.split(' ').map(code).join('<br>')]] : []),
    ...(report.index ? [[th('Index'), `${code(report.index.digest)} (${report.index.platforms.map((p) => esc(p.platform)).join(', ')})`]] : []),
  ];
  if (report.archive) facts.push([th('Archive'), `${code(report.archive)}${ctx.archiveBytes !== undefined ? ` (${formatBytes(ctx.archiveBytes)})` : ''}`]);
  if (report.loaded.length) facts.push([th('Loaded into Docker'), report.loaded.map(code).join('<br>')]);
  if (report.artifact) facts.push([th('Artifact'), `${code(report.artifact.name)} (id ${report.artifact.id}, ${formatBytes(report.artifact.size)})`]);
  for (const p of pushRows(report)) {
    facts.push([th('Pushed'), `${p.refs.map(code).join('<br>')}<br>${code(p.reference)} (${p.uploaded} uploaded, ${p.skipped} skipped, ${p.mounted} mounted)`]);
  }
  s.addTable(facts);

  const cacheOn = ctx.cache !== undefined;
  const pushing = report.pushed.length > 0;
  const layerTable = (indices: number[]): SummaryTableRow[] => {
    const header = [th('#'), th(report.layersFrom === 'archive' ? 'Layer (diff_id)' : 'Store paths'), th('Size'), th('Compressed'), ...(cacheOn ? [th('Layer cache')] : []), ...(pushing ? [th('Push')] : [])];
    return [
      header,
      ...indices.map((i, n) => {
        const l = report.layers[i]!;
        const push = pushStatus(report, i);
        const repos = Object.keys(push);
        return [
          String(n + 1),
          layerCell(report, l),
          formatBytes(l.size),
          l.compressedSize !== undefined ? formatBytes(l.compressedSize) : NONE,
          ...(cacheOn ? [cacheCell(report, l)] : []),
          ...(pushing ? [repos.length === 0 ? NONE : repos.length === 1 ? push[repos[0]!]! : repos.map((r) => `${esc(r)}: ${push[r]}`).join('<br>')] : []),
        ];
      }),
    ];
  };
  const all = report.layers.map((_, i) => i);
  if (report.index) {
    // A multi-platform image: a section per platform, its manifest and its own layers.
    for (const p of report.index.platforms) {
      const indices = all.filter((i) => report.layers[i]!.platform === p.platform);
      const hits = indices.filter((i) => report.layers[i]!.cached).length;
      s.addHeading(`${esc(p.platform)}`, 4);
      s.addRaw(`<p>Manifest ${code(p.manifestDigest)}${p.configDigest ? `<br>Image ID ${code(p.configDigest)}` : ''}</p>`, true);
      if (indices.length) {
        s.addRaw(`<p>Layers (${indices.length}: ${cacheOn ? `${hits} from the layer cache, ` : ''}${indices.length - hits} produced)</p>`, true);
        s.addTable(layerTable(indices));
      }
      if (p.attestationDigest) s.addRaw(`<p>Attestation manifest ${code(p.attestationDigest)}</p>`, true);
      if (p.sbom) billOfMaterials(s, p.sbom, `${esc(p.platform)}: bill of materials`, 5);
    }
  } else {
    s.addHeading(`Layers: ${esc(layerCounts(report, cacheOn))}`, 4);
    s.addTable(layerTable(all));
  }

  // A multi-platform image's are in its platforms' sections.
  if (report.sbom && !report.index) billOfMaterials(s, report.sbom, 'Bill of materials', 4);

  const moved = bytesMoved(report, ctx);
  if (moved.length) {
    const total = moved.reduce((n, m) => n + m.bytes, 0);
    s.addHeading('Bytes moved', 4);
    s.addTable([...moved.map((m) => [m.label, formatBytes(m.bytes)]), [th('total'), th(formatBytes(total))]]);
  }
  if (ctx.phases.length) {
    s.addHeading('Time per phase', 4);
    s.addTable([[th('Phase'), th('Time')], ...ctx.phases.map((p) => [esc(p.title), formatSeconds(p.ms)])]);
  }
  return s;
}

/** The SBOM and provenance files, and the largest store paths. */
function billOfMaterials(s: typeof core.summary, sb: SbomReport, title: string, level: number): void {
  const files = [sb.spdx && `SPDX ${code(sb.spdx)}`, sb.cyclonedx && `CycloneDX ${code(sb.cyclonedx)}`, sb.provenance && `provenance ${code(sb.provenance)}`].filter(Boolean);
  s.addHeading(`${title} (${sb.packages} store paths)`, level);
  s.addRaw(`<p>${files.join('<br>')}</p>`, true);
  if (sb.largest.length) s.addTable([[th('Largest store paths'), th('NAR size')], ...sb.largest.map((l) => [`<span title="${esc(l.path)}">${code(shortPath(l.path))}</span>`, formatBytes(l.narSize)])]);
}

export async function writeSummary(report: StepReport, ctx: SummaryContext): Promise<void> {
  try {
    await buildSummary(report, ctx).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  } finally {
    core.summary.emptyBuffer();
  }
}

export async function writeCacheSaveSummary(report: SaveReport, ms: number): Promise<void> {
  try {
    const s = core.summary.addHeading('nix-docker: layer cache', 4);
    const layers = report.saved.reduce((n, e) => n + e.layers.length, 0);
    const lines = [
      report.saved.length
        ? `Saved ${report.saved.length} cache entr${report.saved.length === 1 ? 'y' : 'ies'} (${layers} layers, ${formatBytes(report.bytesSaved)}) in ${formatSeconds(ms)}.`
        : 'Nothing new to save.',
      ...(report.skipped.length ? [`${report.skipped.length} entr${report.skipped.length === 1 ? 'y' : 'ies'} existed already.`] : []),
      ...(report.evicted.length ? [`${report.evicted.length} layers left out to stay within cache-budget.`] : []),
      ...(report.failed.length ? [`Could not save: ${report.failed.map((f) => `${code(f.entry)} (${esc(f.reason)})`).join(', ')}.`] : []),
    ];
    await s.addList(lines).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  } finally {
    core.summary.emptyBuffer();
  }
}
