// nix-prefetch-docker: pulls an image by tag (or digest), writes the archive pullImage
// would write, and prints the attribute set to paste into pullImage. Like nixpkgs'
// script it prints imageName, imageDigest, sha256 (Nix base-32), finalImageName and
// finalImageTag (default: the tag asked for, else latest), as Nix or (--json) JSON on
// stdout, with `-> Key: value` lines on stderr unless --quiet.
//
// One deliberate difference: when the tag names a manifest list, the printed imageDigest
// is the chosen platform's image manifest, not the list (nixpkgs' script prints what
// `skopeo inspect` calls Digest, the list's). The archive is the same either way, but a
// list digest makes the hash depend on pullImage's `arch`, whose default is the build
// host's; the platform's digest reproduces the printed hash on any host. Our default arch
// is likewise the host's (the script's is amd64) so prefetch and pullImage agree.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hostArchitecture } from '../image/config.ts';
import { isDigest, type Env, type RegistryClient } from '../registry/index.ts';
import { SpecError } from '../spec/errors.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { archiveRepoName, defaultPullImageName, parseImageName, writeAtomically, type PullContext } from './pullImage.ts';
import { formatNixHash, type HashFormat } from './pullImage/nixHash.ts';
import { openPullRegistry, PullAttributeError, resolveImage, writeImageArchive } from './pullImage/pull.ts';

export interface PrefetchOptions {
  imageName: string;
  /** Default `latest` (unless imageDigest is given). */
  imageTag?: string;
  imageDigest?: string;
  os?: string;
  /** Default: the host's architecture, in Go naming (as pullImage's `arch`). */
  arch?: string;
  finalImageName?: string;
  finalImageTag?: string;
  tlsVerify?: boolean;
  /** Keep the archive here; otherwise it is written to a temporary directory and removed. */
  out?: string;
  workDir?: string;
  /** How `sha256` is printed (default base32, as nix-prefetch-docker). */
  hashFormat?: HashFormat;
  log?: Logger;
  env?: Env;
  ca?: PullContext['ca'];
  auth?: PullContext['auth'];
  retry?: PullContext['retry'];
}

export interface PrefetchAttributes {
  imageName: string;
  imageDigest: string;
  sha256: string;
  finalImageName: string;
  finalImageTag: string;
}

export interface PrefetchResult {
  /** The attribute set text, as nix-prefetch-docker prints it. */
  nix: string;
  json: PrefetchAttributes;
  /** The kept archive (with `out`). */
  archive?: string;
  /** SRI form of the hash. */
  hash: string;
  /** What the tag (or digest) named, when it was a manifest list. */
  indexDigest?: string;
  /** `os/arch[/variant]` of the image taken from a list. */
  platform?: string;
}

export async function prefetch(opts: PrefetchOptions): Promise<PrefetchResult> {
  const log = opts.log ?? silentLogger;
  let imageName = opts.imageName;
  let imageTag = opts.imageTag;
  let imageDigest = opts.imageDigest;
  // `name:tag` / `name@digest` in imageName: split off (pullImage takes the bare name).
  const ref = parseImageName('imageName', imageName);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    imageName = imageName.replace(/@.*$/, '').replace(/:[\w][\w.-]*$/, '');
    if (ref.tag !== undefined) imageTag ??= ref.tag;
    if (ref.digest !== undefined) imageDigest ??= ref.digest;
  }
  if (imageDigest !== undefined && !isDigest(imageDigest)) throw new SpecError('imageDigest', `'${imageDigest}' is not a digest (sha256:<64 hex>)`);
  const finalImageName = opts.finalImageName ?? imageName;
  const finalImageTag = opts.finalImageTag ?? imageTag ?? 'latest';
  const repoName = archiveRepoName(finalImageName, finalImageTag);
  const wantOs = opts.os ?? 'linux';
  const wantArch = opts.arch ?? hostArchitecture();

  const client: RegistryClient = await openPullRegistry(ref.registry, {
    tlsVerify: opts.tlsVerify ?? true,
    log,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
  let tmpDir: string | undefined;
  try {
    const reference = imageDigest ?? imageTag ?? 'latest';
    const image = await resolveImage(client, ref.repository, reference, wantOs, wantArch, imageDigest ? 'imageDigest' : 'imageTag');
    const out = opts.out
      ? path.resolve(opts.out)
      : path.join((tmpDir = await fsp.mkdtemp(path.join(opts.workDir ?? os.tmpdir(), 'nix-docker-prefetch-'))), defaultPullImageName(finalImageName, finalImageTag));
    const written = await writeAtomically(out, (tmp) => writeImageArchive(client, image, repoName, finalImageTag, tmp, log));
    const json: PrefetchAttributes = {
      imageName,
      imageDigest: image.manifestDigest,
      sha256: formatNixHash(written.sha256, opts.hashFormat ?? 'base32'),
      finalImageName,
      finalImageTag,
    };
    const p = image.platform;
    return {
      nix: nixAttrs(json),
      json,
      ...(opts.out ? { archive: out } : {}),
      hash: formatNixHash(written.sha256, 'sri'),
      ...(image.topDigest !== image.manifestDigest ? { indexDigest: image.topDigest } : {}),
      ...(p ? { platform: `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` } : {}),
    };
  } finally {
    await client.close().catch(() => {});
    if (tmpDir) await fsp.rm(tmpDir, { recursive: true, force: true });
  }
}

const nixString = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${')}"`;

/** The attribute set exactly as nix-prefetch-docker prints it. */
export function nixAttrs(a: PrefetchAttributes): string {
  return `{
  imageName = ${nixString(a.imageName)};
  imageDigest = ${nixString(a.imageDigest)};
  sha256 = ${nixString(a.sha256)};
  finalImageName = ${nixString(a.finalImageName)};
  finalImageTag = ${nixString(a.finalImageTag)};
}
`;
}

// ---------------------------------------------------------------------------------------
// The command: `nix-docker prefetch ...`

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: Env;
}

const USAGE = `Usage: nix-docker prefetch [options] [IMAGE_NAME [IMAGE_TAG|IMAGE_DIGEST]]

Pulls an image and prints the attribute set for dockerTools.pullImage.

Options:
  --image-name NAME        image to fetch ([registry/]repository; Docker Hub by default)
  --image-tag TAG          tag to resolve (default: latest)
  --image-digest DIGEST    digest to fetch instead of a tag
  --os OS                  OS to take from a manifest list (default: linux)
  --arch ARCH              architecture to take from a manifest list (default: this host's)
  --final-image-name NAME  name of the image in the archive (default: the image name)
  --final-image-tag TAG    tag of the image in the archive (default: the tag, else latest)
  --tls-verify BOOL        verify TLS (default true; false also allows plain HTTP)
  --hash-format FORMAT     base32 (default), sri, base64 or hex
  --out PATH               keep the archive at PATH
  --json                   print JSON instead of Nix
  --quiet                  print only the result
  -v, --verbose            more logging on stderr
`;

const VALUE_FLAGS: Record<string, keyof PrefetchOptions> = {
  'image-name': 'imageName',
  'image-tag': 'imageTag',
  'image-digest': 'imageDigest',
  os: 'os',
  arch: 'arch',
  'final-image-name': 'finalImageName',
  'final-image-tag': 'finalImageTag',
  out: 'out',
  'work-dir': 'workDir',
};

class PrefetchUsageError extends Error {
  override name = 'UsageError';
}

interface PrefetchArgs {
  opts: Partial<PrefetchOptions>;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  help: boolean;
}

export function parsePrefetchArgs(argv: readonly string[]): PrefetchArgs {
  const args: PrefetchArgs = { opts: {}, json: false, quiet: false, verbose: false, help: false };
  const positional: string[] = [];
  const set = (key: keyof PrefetchOptions, value: unknown): void => {
    (args.opts as Record<string, unknown>)[key] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      if (arg === '-h') args.help = true;
      else if (arg === '-v') args.verbose = true;
      else if (arg.startsWith('-') && arg !== '-') throw new PrefetchUsageError(`unknown flag ${arg}`);
      else positional.push(arg);
      continue;
    }
    const key = m[1]!;
    const inline = m[2];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new PrefetchUsageError(`--${key} needs a value`);
      i++;
      return next;
    };
    if (key === 'json' || key === 'quiet' || key === 'help' || key === 'verbose') {
      if (inline !== undefined) throw new PrefetchUsageError(`--${key} takes no value`);
      args[key] = true;
    } else if (key === 'tls-verify') {
      const next = inline ?? argv[i + 1];
      const bool = next !== undefined && /^(true|false)$/i.test(next) ? next : undefined;
      if (inline !== undefined && bool === undefined) throw new PrefetchUsageError(`--tls-verify takes true or false, not '${inline}'`);
      if (inline === undefined && bool !== undefined) i++;
      set('tlsVerify', bool === undefined ? true : bool.toLowerCase() === 'true');
    } else if (key === 'hash-format') {
      const v = value();
      const format = v === 'base16' ? 'hex' : v;
      if (!['base32', 'sri', 'base64', 'hex'].includes(format)) throw new PrefetchUsageError(`--hash-format takes base32, sri, base64 or hex, not '${v}'`);
      set('hashFormat', format);
    } else if (Object.hasOwn(VALUE_FLAGS, key)) {
      const v = value();
      if (v === '') throw new PrefetchUsageError(`--${key} needs a non-empty value`);
      set(VALUE_FLAGS[key]!, v);
    } else throw new PrefetchUsageError(`unknown flag --${key}`);
  }
  if (positional.length > 2) throw new PrefetchUsageError(`unexpected argument '${positional[2]}'`);
  if (positional[0] !== undefined) {
    if (args.opts.imageName !== undefined) throw new PrefetchUsageError('the image name is given twice (--image-name and an argument)');
    set('imageName', positional[0]);
  }
  if (positional[1] !== undefined) {
    // As nix-prefetch-docker: a second argument mentioning sha256 is a digest, else a tag.
    set(positional[1].includes('sha256') ? 'imageDigest' : 'imageTag', positional[1]);
  }
  return args;
}

/** `nix-docker prefetch ...`: 0 on success, 2 for a usage or attribute error, 1 otherwise. */
export async function runPrefetchCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: PrefetchArgs;
  try {
    args = parsePrefetchArgs(argv);
  } catch (err) {
    io.stderr.write(`nix-docker prefetch: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (!args.opts.imageName) {
    io.stderr.write(`nix-docker prefetch: no image name given\n${USAGE}`);
    return 2;
  }
  const log = cliLogger(io, args.quiet, args.verbose);
  try {
    const r = await prefetch({ ...args.opts, imageName: args.opts.imageName, log, ...(io.env ? { env: io.env } : {}) });
    if (!args.quiet) {
      const lines = [
        `-> ImageName: ${r.json.imageName}`,
        `-> ImageDigest: ${r.json.imageDigest}`,
        ...(r.indexDigest ? [`-> Platform: ${r.platform ?? '?'} (from manifest list ${r.indexDigest})`] : []),
        `-> FinalImageName: ${r.json.finalImageName}`,
        `-> FinalImageTag: ${r.json.finalImageTag}`,
        ...(r.archive ? [`-> ImagePath: ${r.archive}`] : []),
        `-> ImageHash: ${r.json.sha256}`,
      ];
      io.stderr.write(`${lines.join('\n')}\n`);
    }
    io.stdout.write(args.json ? `${JSON.stringify(r.json, null, 2)}\n` : r.nix);
    return 0;
  } catch (err) {
    const e = err as Error;
    const usage = e instanceof SpecError || e instanceof PullAttributeError || e.name === 'UsageError';
    io.stderr.write(`nix-docker prefetch: ${usage ? '' : 'error: '}${e.message ?? String(err)}\n`);
    if (io.env?.NIX_DOCKER_DEBUG && e.stack) io.stderr.write(`${e.stack}\n`);
    return usage ? 2 : 1;
  }
}

function cliLogger(io: CliIo, quiet: boolean, verbose: boolean): Logger {
  return {
    info: (m) => {
      if (!quiet) io.stderr.write(`${m}\n`);
    },
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (verbose) io.stderr.write(`debug: ${m}\n`);
    },
    group: (_t, fn) => fn(),
  };
}
