// `nix-docker <function> [attributes] [--out PATH] [--load] [--json]`: flags → spec →
// engine → delivery. stdout carries only data (the archive or --json); logs go to stderr.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { optionArity, parseArgs, type CliOptions } from './args.ts';
import { usage, functionHelp } from './help.ts';
import { FUNCTIONS, functionName, isNixShellImageSpec, parseSpec, readSpecFile, UsageError, type RawAttributes } from '../spec/index.ts';
import { extensionFor } from '../compress/index.ts';
import { build } from '../functions/build.ts';
import { nixShellArchiveName } from '../functions/nixShellImage.ts';
import { parsePushRefs } from '../sinks/push.ts';
import { cliPlatforms, runPlatformsCli } from './platforms.ts';
import { attestationSettings, type AttestationSettings } from '../sbom/index.ts';
import { defaultLocalCacheDir, localDirCache, parseSize, type LayerCache } from '../cache/index.ts';
import { stderrLogger, type Logger } from '../util/log.ts';
import { makeTempDir, removeTempDir } from '../util/cleanup.ts';
import { pullImage, type PullImageSpec } from '../functions/pullImage.ts';
import { MERGED_NAME, mergedCompressor, mergeImages, type MergeImagesSpec } from '../functions/mergeImages.ts';
import { exportImage, exportImageName, type ExportImageSpec } from '../functions/exportImage.ts';
import { runPrefetchCli } from '../functions/prefetch.ts';
import { dockerLoad } from '../sinks/dockerLoad.ts';
import { pushArchive, pushManifestIndex } from './registryCommands.ts';
import type { Compressor } from '../spec/attributes.ts';
import fs from 'node:fs';
import { TOOL_VERSION } from '../version.ts';


/** Errors that are the user's to fix: one line, exit code 2. */
function isUsageError(err: unknown): err is Error {
  return err instanceof Error && (err.name === 'SpecError' || err.name === 'UsageError' || 'attribute' in err);
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (isUsageError(err)) {
      process.stderr.write(`nix-docker: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`nix-docker: error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.NIX_DOCKER_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

async function run(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version') {
    process.stdout.write(`nix-docker ${TOOL_VERSION}\n`);
    return 0;
  }
  if (first === 'prefetch') return runPrefetchCli(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  if (first === 'push' || first === 'manifest') return registryCommand(first, rest);
  const fn = functionName(first);
  const { options, raw: flags } = parseArgs(fn, rest);
  if (options.help) {
    process.stdout.write(functionHelp(fn));
    return 0;
  }
  const raw: RawAttributes = options.spec ? readSpecFile(options.spec) : new Map();
  for (const [k, v] of flags) raw.set(k, v);
  const spec = parseSpec(fn, raw, { warn: stderrLogger(options.verbose).warn });
  checkAttestFlags(fn, options);
  if (fn === 'pullImage') return pull(spec as unknown as PullImageSpec, options);
  if (fn === 'mergeImages') return merge(spec as unknown as MergeImagesSpec, options);
  if (fn === 'exportImage') return exportFilesystem(spec as unknown as ExportImageSpec, options);
  const platforms = cliPlatforms(fn, options);
  if (platforms) return runPlatformsCli(fn, spec, platforms, options, { registryAuth, checkWritableDir, attestFiles, openCache });

  const streams = fn === 'streamLayeredImage' || fn === 'streamNixShellImage';
  const toStdout = streams && !options.out && !options.load && options.push.length === 0;
  if (toStdout && options.json) throw new UsageError('--json needs --out or --load here: stdout carries the archive');
  if (toStdout && process.stdout.isTTY) throw new UsageError('refusing to write an image archive to a terminal; pipe it or use --out');
  // buildLayeredImage/buildImage write a file by default, unless the image only goes to registries.
  // buildNixShellImage: nixpkgs names its output "${drv.name}-env.tar.gz", whatever `name` is.
  const fileName = async () => (isNixShellImageSpec(spec) ? await nixShellArchiveName(spec, stderrLogger(options.verbose)) : spec.name);
  const out = options.out ?? (!streams && options.push.length === 0 ? `${await fileName()}${extensionFor(spec.compressor)}` : undefined);
  if (out) await checkWritableDir(out);

  const pushRefs = options.push;
  parsePushRefs(pushRefs, '--push');
  const log = stderrLogger(options.verbose);
  const auth = await registryAuth(options);
  const cache = openCache(options, log);
  const report = await build({
    spec,
    out,
    stdout: toStdout ? process.stdout : undefined,
    load: options.load,
    push: pushRefs.length ? { refs: pushRefs, settings: { tlsVerify: options.tlsVerify, format: options.format, auth, env: process.env, attestMode: options.attestations } } : undefined,
    cache,
    tmpDir: options.workDir ?? os.tmpdir(),
    log,
    attest: attestFiles(options, out, spec.name ?? 'image'),
  });
  await cache?.flush();
  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, cache: cache?.stats() }, null, 2)}\n`);
  else if (out) log.info(`Wrote ${report.image} to ${report.archive}`);
  return 0;
}

/** --sbom/--provenance come from the closure of an image built here, one platform at a time: refused elsewhere rather than ignored. */
function checkAttestFlags(fn: string, options: CliOptions): void {
  if (!options.sbom && options.provenance === 'false') return;
  const flag = options.sbom ? '--sbom' : '--provenance';
  if (fn === 'pullImage' || fn === 'mergeImages' || fn === 'exportImage') throw new UsageError(`${flag}: only for images built here from a Nix closure, not ${fn}`);
}

/** SBOM/provenance files beside the archive, else in the working directory (attestationSettings). */
function attestFiles(options: CliOptions, out: string | undefined, name: string): AttestationSettings | undefined {
  return attestationSettings(options, { out, name, env: process.env, sourceDir: process.cwd() });
}

/** Registry credentials: --registry-username with the password on stdin or in NIX_DOCKER_REGISTRY_PASSWORD; else the Docker config. */
async function registryAuth(options: CliOptions): Promise<{ username: string; password: string } | undefined> {
  if (!options.registryUsername) return undefined;
  const password = options.registryPasswordStdin ? (await readStdin()).replace(/\r?\n$/, '') : process.env.NIX_DOCKER_REGISTRY_PASSWORD;
  if (!password) throw new UsageError('--registry-username needs a password: --registry-password-stdin, or NIX_DOCKER_REGISTRY_PASSWORD');
  return { username: options.registryUsername, password };
}

async function pull(spec: PullImageSpec, options: CliOptions): Promise<number> {
  const log = stderrLogger(options.verbose);
  const auth = await registryAuth(options);
  const result = await pullImage(spec, { log, out: options.out, env: process.env, ...(auth ? { auth } : {}) });
  if (options.load) for (const l of await dockerLoad(fs.createReadStream(result.archive))) log.info(`Loaded image: ${l}`);
  if (options.push.length) {
    await pushArchive(result.archive, options.push, { compressor: 'gz', tlsVerify: options.tlsVerify, format: options.format, auth, env: process.env, log });
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ function: 'pullImage', ...result }, null, 2)}\n`);
  else log.info(`Wrote ${result.imageName}:${result.imageTag} to ${result.archive}`);
  return 0;
}

/** mergeImages writes one archive of several images: a file (and Docker), never a registry. */
async function merge(spec: MergeImagesSpec, options: CliOptions): Promise<number> {
  if (options.push.length) throw new UsageError('--push: mergeImages makes one archive of several images, which no single reference can name; push the images it merges one by one');
  const out = options.out ?? `${MERGED_NAME}${extensionFor(await mergedCompressor(spec))}`;
  await checkWritableDir(out);
  const log = stderrLogger(options.verbose);
  const report = await mergeImages(spec, { out, load: options.load, tmpDir: options.workDir ?? os.tmpdir(), log });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else log.info(`Wrote ${report.images.map((i) => i.repoTags.join(', ') || i.configDigest).join('; ')} to ${report.archive}`);
  return 0;
}

/** exportImage writes a filesystem tar: a file (default: its `name`), not an image for Docker or a registry. */
async function exportFilesystem(spec: ExportImageSpec, options: CliOptions): Promise<number> {
  const notAnImage = 'exportImage writes a filesystem tar, not an image: `docker image import FILE` makes an image of it';
  if (options.load) throw new UsageError(`--load: ${notAnImage}`);
  if (options.push.length) throw new UsageError(`--push: ${notAnImage}`);
  const out = options.out ?? (await exportImageName(spec));
  await checkWritableDir(out);
  const log = stderrLogger(options.verbose);
  const workDir = await makeTempDir(options.workDir ?? os.tmpdir(), 'nix-docker-');
  try {
    const result = await exportImage(spec, { out, workDir, log });
    if (options.json) process.stdout.write(`${JSON.stringify({ function: 'exportImage', ...result }, null, 2)}\n`);
    else log.info(`Wrote the filesystem of ${spec.fromImage} (${result.members} entries) to ${result.archive}`);
  } finally {
    await removeTempDir(workDir);
  }
  return 0;
}

/** `push ARCHIVE REF...` and `manifest REF --platform-image REF...`. */
async function registryCommand(cmd: 'push' | 'manifest', argv: string[]): Promise<number> {
  const positional: string[] = [];
  const images: string[] = [];
  let compressor: Compressor = 'gz';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--platform-image') images.push(argv[++i] ?? '');
    else if (a.startsWith('--platform-image=')) images.push(a.slice('--platform-image='.length));
    else if (a === '--compressor' || a.startsWith('--compressor=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'gz' && v !== 'zstd' && v !== 'none') throw new UsageError(`--compressor takes none, gz or zstd, not '${v}'`);
      compressor = v;
    } else if (a.startsWith('-')) {
      const n = optionArity(argv, i);
      rest.push(...argv.slice(i, i + 1 + n));
      i += n;
    }
    else positional.push(a);
  }
  const { options } = parseArgs('buildLayeredImage', rest);
  const log = stderrLogger(options.verbose);
  const settings = { tlsVerify: options.tlsVerify, format: options.format, auth: await registryAuth(options), env: process.env, log };
  let report: unknown;
  if (cmd === 'push') {
    const [archive, ...refs] = positional;
    if (!archive) throw new UsageError('usage: nix-docker push ARCHIVE REF... [--compressor gz|zstd|none] [--format oci] [--tls-verify false] [--cache-dir DIR | --no-cache]');
    // The layer cache keeps the layers compressed here: a later push of the same layers compresses nothing.
    const cache = openCache(options, log);
    report = await pushArchive(archive, refs, { ...settings, compressor, cache });
    await cache?.flush();
  } else {
    const [target] = positional;
    if (!target || positional.length > 1) throw new UsageError('usage: nix-docker manifest TARGET --platform-image REF [--platform-image REF ...]');
    report = await pushManifestIndex(target, images, settings, log);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk.toString();
  return text;
}

async function checkWritableDir(out: string): Promise<void> {
  const dir = path.dirname(path.resolve(out));
  try {
    await fsp.access(dir, fsp.constants.W_OK);
  } catch {
    throw new UsageError(`--out ${out}: directory ${dir} does not exist or is not writable`);
  }
  // Found now, not once the whole image is built (EISDIR at the rename).
  if ((await fsp.stat(out).catch(() => undefined))?.isDirectory()) throw new UsageError(`--out ${out}: is a directory; give a file name`);
}

export type { CliOptions };
export { FUNCTIONS };

/** The local layer cache the flags ask for (--no-cache, --cache-dir, --cache-budget), or none. */
function openCache(options: CliOptions, log: Logger): LayerCache | undefined {
  if (!options.cache) return undefined;
  let budget: number | undefined;
  try {
    if (options.cacheBudget) budget = parseSize(options.cacheBudget);
  } catch (err) {
    throw new UsageError(`--cache-budget: ${(err as Error).message}`);
  }
  return localDirCache(options.cacheDir ?? defaultLocalCacheDir(process.env, os.homedir()), { log, ...(budget ? { budget } : {}) });
}
