// `--platforms linux/amd64,linux/arm64`: the layered functions built once per platform
// under one image index (src/functions/platforms.ts). The archive is an OCI image layout
// (`<name>.oci.tar`, read by `skopeo copy oci-archive:...` and podman); `--load` loads
// this machine's platform; `--push-by-digest` pushes without tags, for `manifest` to
// merge the digests of several jobs. --sbom/--provenance: per platform, files
// `<base>.<os>-<arch>[-variant].spdx.json`, ... beside the archive and statements in the
// index (or referrers, --attestations referrers).

import os from 'node:os';
import { buildPlatforms, MULTI_PLATFORM_FUNCTIONS, type PlatformsSpec } from '../functions/platforms.ts';
import { parsePlatforms, PlatformError, type TargetPlatform } from '../image/platform.ts';
import type { LayerCache } from '../cache/index.ts';
import { parsePushRefs } from '../sinks/push.ts';
import { UsageError, type FunctionName, type ImageSpec } from '../spec/index.ts';
import { stderrLogger, type Logger } from '../util/log.ts';
import type { CliOptions } from './args.ts';
import type { AttestationSettings } from '../sbom/index.ts';

export function cliPlatforms(fn: FunctionName, options: CliOptions): TargetPlatform[] | undefined {
  if (options.platforms === undefined) {
    if (options.pushByDigest) throw new UsageError('--push-by-digest goes with --platforms (a single-platform image is pushed under its tags)');
    return undefined;
  }
  if (!MULTI_PLATFORM_FUNCTIONS.includes(fn)) throw new UsageError(`--platforms: ${fn} builds for one platform; ${MULTI_PLATFORM_FUNCTIONS.join(', ')} take --platforms`);
  try {
    return parsePlatforms(options.platforms);
  } catch (err) {
    if (err instanceof PlatformError) throw new UsageError(`--platforms: ${err.message}`);
    throw err;
  }
}

export interface PlatformsCliHelpers {
  registryAuth(options: CliOptions): Promise<{ username: string; password: string } | undefined>;
  checkWritableDir(out: string): Promise<void>;
  attestFiles(options: CliOptions, out: string | undefined, name: string): AttestationSettings | undefined;
  openCache(options: CliOptions, log: Logger): LayerCache | undefined;
}

export async function runPlatformsCli(fn: FunctionName, spec: ImageSpec, platforms: TargetPlatform[], options: CliOptions, helpers: PlatformsCliHelpers): Promise<number> {
  const streams = fn.startsWith('stream');
  const toStdout = streams && !options.out && !options.load && options.push.length === 0;
  if (toStdout && options.json) throw new UsageError('--json needs --out or --load here: stdout carries the archive');
  if (toStdout && process.stdout.isTTY) throw new UsageError('refusing to write an image archive to a terminal; pipe it or use --out');
  if (options.pushByDigest && options.push.length === 0) throw new UsageError('--push-by-digest needs --push REPOSITORY');
  const out = options.out ?? (!streams && options.push.length === 0 ? `${spec.name}.oci.tar` : undefined);
  if (out) await helpers.checkWritableDir(out);
  parsePushRefs(options.push, '--push');
  const log = stderrLogger(options.verbose);
  const auth = await helpers.registryAuth(options);
  const cache = helpers.openCache(options, log);
  const report = await buildPlatforms({
    spec: spec as PlatformsSpec,
    platforms,
    out,
    stdout: toStdout ? process.stdout : undefined,
    load: options.load,
    push: options.push.length ? { refs: options.push, byDigest: options.pushByDigest, tlsVerify: options.tlsVerify, auth, env: process.env } : undefined,
    cache,
    attest: helpers.attestFiles(options, out, spec.name ?? 'image'),
    attestMode: options.attestations,
    tmpDir: options.workDir ?? os.tmpdir(),
    log,
  });
  await cache?.flush();
  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, cache: cache?.stats() }, null, 2)}\n`);
  else if (out) log.info(`Wrote ${report.imageName}:${report.imageTag} (${report.platforms.map((p) => p.platform).join(', ')}; index ${report.indexDigest}) to ${report.archive}`);
  return 0;
}
