// An image dockerTools (or anything else) built already, delivered by the action: the
// `image` input, and pullImage's archive.
//
//   resolveImageInput  a path or an installable (`.#dockerImage`, `./result`, a store
//                      path, file.nix#attr) → a docker-archive file. An archive (tar,
//                      gzip, zstd) is used as it is; an executable (streamLayeredImage's
//                      script) is run and its stdout written to a file.
//   deliverArchive     load / push it. Pushing keeps the config bytes (so the image id);
//                      each uncompressed layer's compressed digest is known before the
//                      push (src/sinks/archiveLayers.ts: the layer cache, else compressed
//                      once to a scratch file, then kept in the cache), so a registry that
//                      has it answers a HEAD and nothing is uploaded again.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { decompressStream, sniffCompression } from '../compress/index.ts';
import type { LayerCache } from '../cache/index.ts';
import { loadBaseImage } from '../image/baseImage.ts';
import { DEFAULT_STORE_DIR, parseInstallable, realiseDetailed } from '../nix/index.ts';
import { dockerLoadLogged } from '../sinks/dockerLoad.ts';
import { archivePushLayers } from '../sinks/archiveLayers.ts';
import { pushToRegistries, type PushedImage } from '../sinks/push.ts';
import { pushRefs, type PushRequest } from '../functions/deliver.ts';
import type { Logger } from '../util/log.ts';
import { Input } from './constants.ts';
import { InputError } from './inputs.ts';
import { formatBytes, formatRate, formatSeconds } from './log.ts';
import { requireNix } from './preflight.ts';
import type { LayerOut, StepReport } from './report.ts';

export type ImageFileKind = 'archive' | 'script';

const PROGRESS_MS = 10_000;

/** What a file is, from its first bytes: an archive (tar, gzip, zstd), a script, or neither. */
export async function sniffImageFile(file: string): Promise<ImageFileKind | undefined> {
  const head = Buffer.alloc(512);
  const fh = await fsp.open(file, 'r');
  const { bytesRead } = await fh.read(head, 0, 512, 0).finally(() => fh.close());
  if (sniffCompression(head) !== 'none') return 'archive';
  if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'archive';
  if (head.subarray(0, 2).toString('latin1') === '#!' || head.readUInt32BE(0) === 0x7f454c46) return 'script';
  return undefined;
}

/** `/nix/store/<hash>-stream-hello` → `stream-hello`; `./img.tar.gz` → `img`. */
export function baseNameOf(file: string): string {
  return path
    .basename(file)
    .replace(/^[0-9a-df-np-sv-z]{32}-/, '')
    .replace(/\.(tar(\.gz|\.zst)?|tgz|sh)$/, '');
}

export interface ResolvedImage {
  /** The docker-archive to deliver. */
  archive: string;
  /** How it was found: an archive as given, or streamed from a script into `archive`. */
  from: ImageFileKind;
  /** The file the input named (the script, for `script`). */
  source: string;
}

/**
 * Finds the archive the `image` input names. An existing file needs no Nix; anything else
 * is realised with Nix (which must be installed). A script's output goes to `out`, else
 * `<tmpRoot>/<name>.tar`; an archive is copied to `out` only when `out` is given.
 */
export async function resolveImageInput(item: string, opts: { out: string | null; tmpRoot: string; log: Logger; env: NodeJS.ProcessEnv }): Promise<ResolvedImage> {
  const { log } = opts;
  // A Nix file, flake reference or derivation is realised; a path (a store path, ./result,
  // an archive on disk) is used as it is when it exists, else realised (substituted).
  const parsed = parseInstallable(item, DEFAULT_STORE_DIR);
  const local = path.resolve(item);
  const st = parsed.kind === 'local' || parsed.kind === 'store' ? await fsp.stat(local).catch(() => undefined) : undefined;
  let file: string;
  if (st?.isFile()) file = local;
  else if (st?.isDirectory()) throw new InputError(Input.Image, `${item} is a directory; expected a docker-archive or a streamLayeredImage script`);
  else {
    requireNix(opts.env);
    const [r] = await log.group(`Realising ${item}`, () => realiseDetailed([item], log));
    file = r!.paths[0]!;
    if (!(await fsp.stat(file)).isFile()) throw new InputError(Input.Image, `${item} realises to ${file}, a directory; expected a docker-archive or a streamLayeredImage script`);
  }
  const kind = await sniffImageFile(file);
  if (!kind) throw new InputError(Input.Image, `${file} is neither a docker-archive (tar, gzip or zstd) nor a streamLayeredImage script`);
  if (kind === 'archive') {
    if (!opts.out) return { archive: file, from: 'archive', source: file };
    const out = path.resolve(opts.out);
    await fsp.copyFile(file, out);
    return { archive: out, from: 'archive', source: file };
  }
  const out = path.resolve(opts.out ?? path.join(opts.tmpRoot, `${baseNameOf(file)}.tar`));
  await log.group(`Streaming ${file}`, () => streamScript(file, out, log));
  return { archive: out, from: 'script', source: file };
}

/** Runs a streamLayeredImage script; its stdout becomes `out` (renamed into place when complete). */
async function streamScript(script: string, out: string, log: Logger): Promise<void> {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.partial`);
  const sink = fs.createWriteStream(tmp);
  try {
    await once(sink, 'open');
    const child = spawn(script, [], { stdio: ['ignore', sink, 'pipe'] });
    const start = performance.now();
    const written = () => fs.statSync(tmp, { throwIfNoEntry: false })?.size ?? 0;
    const progress = setInterval(() => log.info(`… ${formatBytes(written())} (${formatRate(written(), performance.now() - start)})`), PROGRESS_MS);
    progress.unref();
    child.on('close', () => clearInterval(progress));
    let tail = '';
    let partial = '';
    child.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        log.info(l);
        tail = l;
      }
    });
    // `once` rejects on 'error' (the script could not be started).
    const [code, signal] = (await once(child, 'close').catch((e: Error) => {
      throw new InputError(Input.Image, `cannot run ${script}: ${e.message}`);
    })) as [number | null, string | null];
    clearInterval(progress);
    if (partial) log.info(partial);
    if (code !== 0) throw new InputError(Input.Image, `${script} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail || partial ? `: ${(partial || tail).trim()}` : ''}`);
    sink.end();
    await once(sink, 'finish');
    if (!(await sniffImageFile(tmp))) throw new InputError(Input.Image, `${script} did not write a docker-archive to stdout`);
    const ms = performance.now() - start;
    log.info(`done: ${formatBytes(written())} in ${formatSeconds(ms)} (${formatRate(written(), ms)})`);
    await fsp.rename(tmp, out);
  } catch (err) {
    sink.destroy();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}


export interface ArchiveDeliveryOptions {
  load: boolean;
  push?: PushRequest;
  cache?: LayerCache;
  workDir: string;
  log: Logger;
  function: string;
  /** The name and tag to report (pullImage's finalImageName/finalImageTag); default: the archive's RepoTags. */
  name?: { imageName: string; imageTag: string };
}

/** Loads and pushes a docker-archive as it is; the report the outputs and the summary read. */
export async function deliverArchive(archive: string, opts: ArchiveDeliveryOptions): Promise<StepReport> {
  const { log } = opts;
  const img = await log.group(`Reading ${archive}`, () => loadBaseImage(archive, { workDir: opts.workDir, attribute: Input.Image }));
  const configDigest = `sha256:${createHash('sha256').update(img.configBytes).digest('hex')}`;
  const repoTag = img.repoTags[0] ?? `${baseNameOf(archive)}:${configDigest.slice(7, 39)}`;
  const colon = repoTag.lastIndexOf(':');
  const slash = repoTag.lastIndexOf('/');
  const [imageName, imageTag] = opts.name
    ? [opts.name.imageName, opts.name.imageTag]
    : colon > slash
      ? [repoTag.slice(0, colon), repoTag.slice(colon + 1)]
      : [repoTag, 'latest'];

  let loaded: string[] = [];
  if (opts.load) {
    const head = Buffer.alloc(4);
    const fh = await fsp.open(archive, 'r');
    await fh.read(head, 0, 4, 0).finally(() => fh.close());
    const kind = sniffCompression(head);
    // Docker reads gzip but not every engine reads a zstd archive: send that plain.
    const body = kind === 'zstd' ? decompressStream(fs.createReadStream(archive), kind) : fs.createReadStream(archive);
    loaded = await log.group('Loading into Docker', () => dockerLoadLogged(body, log));
  }

  // A layer stored compressed in the archive is its own blob: its digest and compressed size are known without a push.
  const layers: LayerOut[] = img.layers.map((l) => ({
    diffId: l.diffId,
    size: l.size,
    paths: [l.member],
    cached: false,
    ...(l.compression !== 'none' && l.blobDigest ? { digest: l.blobDigest, compressedSize: l.size } : {}),
  }));
  let pushed: PushedImage[] = [];
  let produced = 0;
  const refs = pushRefs(opts.push, () => `${imageName}:${imageTag}`);
  if (opts.push && refs.length > 0) {
    // Every layer's compressed digest is known before the first request: what a registry has costs a HEAD.
    const ready = await archivePushLayers(img, { compressor: 'gz', cache: opts.cache, workDir: opts.workDir, log });
    try {
      ready.layers.forEach((l, i) => {
        if (l.source === 'compressed' || l.source === 'streamed') produced++;
        if (l.blob) layers[i] = { ...layers[i]!, digest: l.blob.digest, compressedSize: l.blob.size, cached: l.source === 'cache' };
      });
      pushed = await pushToRegistries({ layers: ready.layers, makeConfig: () => img.configBytes }, refs, { ...opts.push.settings, compressor: 'gz', log });
    } finally {
      await ready.finish();
    }
    // Layers compressed on the way to the registry: their digests are the registry's.
    const first = pushed[0];
    if (first) layers.forEach((l, i) => (l.digest ??= first.layers[i]?.digest));
  }
  return {
    function: opts.function,
    image: `${imageName}:${imageTag}`,
    imageName,
    imageTag,
    configDigest,
    archive: path.resolve(archive),
    layers,
    loaded,
    pushed,
    produced,
    layersFrom: 'archive',
    // The caller knows whether the archive was written here (pulled, streamed, copied).
    archiveWritten: false,
  };
}
