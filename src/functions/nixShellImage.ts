// streamNixShellImage / buildNixShellImage: an image that sets up the build environment of
// a derivation, as `nix-shell` does. Like nixpkgs, this is a streamLayeredImage: the spec
// is turned into a layered-image spec (contents, fakeRootCommands, config) and planned,
// written and delivered by the same code as streamLayeredImage / buildLayeredImage.
//
// What nixpkgs does (pkgs/build-support/docker/default.nix, streamNixShellImage, with
// devShellTools' unstructuredDerivationInputEnv / derivationOutputEnv):
//   contents   binSh (bin/sh -> bashInteractive's bash), usrBinEnv (usr/bin/env ->
//              coreutils' env), fakeNss with `nixbld:x:<uid>:<gid>:Build user:<home>:/noshell`
//              in etc/passwd and `nixbld:!:<gid>:` in etc/group
//   fakeRoot   mkdir -p ./nix/{store,var/nix} ./etc/nix; chown -R uid:gid ./nix ./etc/nix;
//              mkdir -p ./build; chown -R uid:gid ./build
//   config     User uid:gid, WorkingDir /build, Cmd [shell --rcfile rcfile] ([shell rcfile]
//              with `run`), Env: SSL_CERT_FILE, NIX_SSL_CERT_FILE, PATH (the static path:
//              dirOf shell, then buildDerivation's bin, so `bash -c buildDerivation` works
//              as Cmd), HOME, NIX_STORE, NIX_BUILD_CORES=1, then the derivation's attributes as strings
//              (passAsFile ones as <name>Path, a file holding the value; `args` left out),
//              one variable per output, then NIX_BUILD_TOP TMPDIR TEMPDIR TMP TEMP PWD=/build,
//              NIX_LOG_FD=2, TERM=xterm-256color
//   rcfile     nix-shell's rc (nix-build.cc): sources $stdenv/setup when there is one, puts
//              dirOf shell and buildDerivation on PATH, runs shellHook through runHook (so
//              only with a stdenv: without one runHook does not exist and shellHook does not
//              run, here as there), then `command` / `run` and `exit`
//   buildDerivation   bin/buildDerivation: exec <builder> <args...>
// Store paths named in the config join the image with their closure; the derivation's
// output paths are named without string context, so they do not.
//
// Here the derivation is a .drv read with `nix show-derivation`: its `env` is exactly
// drvAttrs as the builder gets them (outputs included, `args` apart), so it stands for
// drvAttrs; the store paths it names that are inputs (input sources, outputs of input
// derivations, realised first) join the image, the others are text only (configTextOnly).
//
// Packages nixpkgs supplies (bashInteractive, coreutils, cacert) come from a package
// source: the `nixpkgs` flake (nixpkgs#coreutils), or what NIX_DOCKER_NIXPKGS names (a
// flake reference, or a .nix file: /path/pkgs.nix#coreutils). Only what is needed is
// realised: with `shell` given, no bashInteractive.
//
// The helper store paths (binSh, usrBinEnv, fakeNss, rcfile, buildDerivation, the
// passAsFile files) are real derivations, built with nix-build from a small generated
// expression (the shell as builder, coreutils on PATH), rather than files we write into
// the customisation layer, because (1) the image then has nixpkgs' layout: /etc/passwd,
// /bin/sh, /usr/bin/env are links into store paths, and the rcfile and buildDerivation
// live in the store where Cmd and PATH name them; (2) Nix records their references (the
// shell, coreutils, the builder and the inputs buildDerivation runs), so the closure
// brings what they need; `nix-store --add` would register none; (3) they are
// deterministic store paths, so they land in store layers that the layer cache and the
// next image share, and a second build is byte-identical.
//
// Departures: /bin/sh links to `shell` when it is given (nixpkgs links it to
// bashInteractive always; we realise no bashInteractive when it is not needed); fakeNss is
// one store path with the files (nixpkgs' is a symlinkJoin of four); the tag, when null,
// is derived from the image content, as for our other functions.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { LayeredImageSpec, NixShellImageSpec } from '../spec/index.ts';
import { parseSpec } from '../spec/index.ts';
import { SpecError } from '../spec/errors.ts';
import {
  derivationPathOf,
  NixCommandError,
  NixPathError,
  nixErrorLine,
  realiseDetailed,
  realiseInputs,
  showDerivation,
  storePathsInValue,
  toStorePath,
  type DerivationInfo,
} from '../nix/index.ts';
import { lines, run } from '../nix/exec.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { planLayeredImage, type BuildContext, type ImagePlan } from './layeredImage.ts';

/** Where the packages nixpkgs would supply come from: a flake reference or a .nix file. */
export const PACKAGE_SOURCE_VARIABLE = 'NIX_DOCKER_NIXPKGS';
export const DEFAULT_PACKAGE_SOURCE = 'nixpkgs';
/** Nix's sandboxBuildDir (libstore/globals.hh). */
export const SANDBOX_BUILD_DIR = '/build';

/** The installable of a package of the package source: `<source>#<attr>`. */
export function packageInstallable(attr: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${env[PACKAGE_SOURCE_VARIABLE]?.trim() || DEFAULT_PACKAGE_SOURCE}#${attr}`;
}

const derivations = new Map<string, Promise<DerivationInfo>>();

/** The derivation `drv` names, read (once per process); what is wrong with it is an error naming `drv`. */
export function resolveDerivation(drv: string, log: Logger = silentLogger): Promise<DerivationInfo> {
  const key = `${process.cwd()}\0${drv}`;
  let p = derivations.get(key);
  if (!p) {
    p = (async () => {
      try {
        const info = await showDerivation(await derivationPathOf(drv, log));
        if (info.structuredAttrs) throw new SpecError('drv', `${info.drvPath} uses __structuredAttrs, which streamNixShellImage does not support (nor does nixpkgs')`);
        return info;
      } catch (err) {
        if (err instanceof NixPathError) throw new SpecError('drv', err.message.split('\n')[0]!);
        throw err;
      }
    })();
    p.catch(() => derivations.delete(key));
    derivations.set(key, p);
  }
  return p;
}

/** buildNixShellImage's file name without its ending: nixpkgs' runCommand "${drv.name}-env.tar.gz". */
export async function nixShellArchiveName(spec: NixShellImageSpec, log?: Logger): Promise<string> {
  return `${(await resolveDerivation(spec.drv, log)).name}-env`;
}

export async function planNixShellImage(spec: NixShellImageSpec, ctx: BuildContext): Promise<ImagePlan> {
  return planLayeredImage(await nixShellLayeredSpec(spec, ctx), ctx);
}

/** The streamLayeredImage spec nixpkgs' streamNixShellImage amounts to (see the top of this file). */
export async function nixShellLayeredSpec(spec: NixShellImageSpec, ctx: BuildContext, env: NodeJS.ProcessEnv = process.env): Promise<LayeredImageSpec> {
  const { log, storeDir } = ctx;
  const info = await log.group('Reading the derivation', () => resolveDerivation(spec.drv, log));
  const name = spec.name ?? `${info.name}-env`;
  // `shell` first: a bad one fails before anything is built.
  const packages = await log.group('Package source', async () => ({
    shell: spec.shell === null ? await packageFile('bashInteractive', 'bin/bash', 'the default shell', log, env) : await givenShell(spec.shell, log),
    env: await packageFile('coreutils', 'bin/env', '/usr/bin/env', log, env),
    caBundle: await packageFile('cacert', 'etc/ssl/certs/ca-bundle.crt', 'SSL_CERT_FILE', log, env),
  }));
  const inputs = await log.group('Realising its inputs', () => realiseInputs(info, log));
  const shell = packages.shell;

  // The derivation's environment (drvAttrs, outputs included), passAsFile values as files.
  const drvEnv: Record<string, string> = { ...info.env };
  const passAsFile = (info.env.passAsFile ?? '').split(/[ \t\n\r]+/).filter((n) => n !== '' && Object.hasOwn(info.env, n));
  for (const n of passAsFile) delete drvEnv[n];
  for (const [n, p] of Object.entries(info.outputs)) if (p !== null) drvEnv[n] = p;

  const staticPath = `${path.dirname(shell)}:${BUILD_DERIVATION_PLACEHOLDER}/bin`;
  const valid = new Set([...inputs, ...[shell, packages.env, packages.caBundle].map((p) => toStorePath(p, storeDir)!)]);
  const mentioned = (text: string) => storePathsInValue(text, storeDir).filter((p) => valid.has(p));
  const helpers = await log.group('Helper store paths', () =>
    buildHelpers(
      {
        shell,
        coreutils: toStorePath(packages.env, storeDir)!,
        refs: [...new Set([shell, packages.env].map((p) => toStorePath(p, storeDir)!))],
        buildDerivation: { text: buildDerivationScript(shell, info), refs: mentioned([info.builder, ...info.args].join('\n')) },
        rcfile: { text: rcfileText(shell, staticPath, spec), refs: [] },
        binShTarget: shell,
        usrBinEnvTarget: packages.env,
        passwd: `root:x:0:0:root user:/var/empty:/bin/sh\nnixbld:x:${spec.uid}:${spec.gid}:Build user:${spec.homeDirectory}:/noshell\nnobody:x:65534:65534:nobody:/var/empty:/bin/sh\n`,
        group: `root:x:0:\nnixbld:!:${spec.gid}:\nnobody:x:65534:\n`,
        passAsFile: passAsFile.map((n) => ({ name: storeName(`shell-passAsFile-${n}`), text: info.env[n]!, refs: mentioned(info.env[n]!) })),
      },
      ctx,
    ),
  );
  passAsFile.forEach((n, i) => (drvEnv[`${n}Path`] = helpers.passAsFile[i]!));

  const envVars: Record<string, string> = {
    SSL_CERT_FILE: packages.caBundle,
    NIX_SSL_CERT_FILE: packages.caBundle,
    // nixpkgs: `PATH = staticPath;` where a Nix build has "/path-not-set", so that a
    // command given to `docker run` finds the shell and buildDerivation.
    PATH: staticPath.replace(BUILD_DERIVATION_PLACEHOLDER, helpers.buildDerivation),
    HOME: spec.homeDirectory,
    NIX_STORE: storeDir,
    NIX_BUILD_CORES: '1',
    ...drvEnv,
    NIX_BUILD_TOP: SANDBOX_BUILD_DIR,
    TMPDIR: SANDBOX_BUILD_DIR,
    TEMPDIR: SANDBOX_BUILD_DIR,
    TMP: SANDBOX_BUILD_DIR,
    TEMP: SANDBOX_BUILD_DIR,
    PWD: SANDBOX_BUILD_DIR,
    NIX_LOG_FD: '2',
    TERM: 'xterm-256color',
  };
  const config: Record<string, unknown> = {
    User: `${spec.uid}:${spec.gid}`,
    WorkingDir: SANDBOX_BUILD_DIR,
    Cmd: spec.run === null ? [shell, '--rcfile', helpers.rcfile] : [shell, helpers.rcfile],
    // lib.mapAttrsToList: in attribute name order.
    Env: Object.keys(envVars)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => `${k}=${envVars[k]}`),
    ...(spec.config ?? {}),
  };
  // What the config names and the image must carry: the inputs, the shell, cacert and the
  // helpers. Anything else it names (the outputs, paths in plain text) is text only.
  for (const p of helpers.all) valid.add(p);
  const configTextOnly = storePathsInValue(config, storeDir).filter((p) => !valid.has(p));

  const uid = spec.uid;
  const gid = spec.gid;
  const fakeRootCommands = [
    'mkdir -p ./nix/{store,var/nix} ./etc/nix',
    `chown -R ${uid}:${gid} ./nix ./etc/nix`,
    `mkdir -p .${SANDBOX_BUILD_DIR}`,
    `chown -R ${uid}:${gid} .${SANDBOX_BUILD_DIR}`,
    '',
  ].join('\n');

  const json = (v: unknown) => ({ json: v });
  const layered = parseSpec(
    spec.fn === 'streamNixShellImage' ? 'streamLayeredImage' : 'buildLayeredImage',
    new Map([
      ['name', json(name)],
      ['tag', json(spec.tag)],
      ['contents', json([helpers.binSh, helpers.usrBinEnv, helpers.fakeNss])],
      ['config', json(config)],
      ['fakeRootCommands', json(fakeRootCommands)],
      ['compressor', json(spec.compressor)],
      ['architecture', json(spec.architecture)],
    ]),
  );
  return { ...layered, configTextOnly };
}

/** A path in the store that `shell` names (a link into the store, an installable); a directory means its bin/bash. */
async function givenShell(shell: string, log: Logger): Promise<string> {
  let realised;
  try {
    realised = await realiseDetailed([shell], log);
  } catch (err) {
    if (err instanceof NixPathError || err instanceof NixCommandError) throw new SpecError('shell', err.message.split('\n')[0]!);
    throw err;
  }
  for (const p of realised[0]!.paths) {
    const file = (await isDirectory(p)) ? path.join(p, 'bin/bash') : p;
    if (await isFile(file)) return file;
  }
  throw new SpecError('shell', `${shell}: no bash there (expected a file in the store, or a store path with bin/bash)`);
}

/** A file of a package of the package source: the first output of `<source>#<attr>` that has `rel`. */
async function packageFile(attr: string, rel: string, why: string, log: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const item = packageInstallable(attr, env);
  const hint = `streamNixShellImage takes ${attr} (${why}) from ${item}; set ${PACKAGE_SOURCE_VARIABLE} to a flake reference or a .nix file that has it`;
  let realised;
  try {
    realised = await realiseDetailed([item], log);
  } catch (err) {
    if (err instanceof NixPathError || err instanceof NixCommandError) throw new Error(`${hint}: ${err instanceof NixCommandError ? nixErrorLine(err.stderrTail) : err.message.split('\n')[0]}`);
    throw err;
  }
  for (const p of realised[0]!.storePaths) {
    const file = path.join(p, rel);
    if (await isFile(file)) return file;
  }
  throw new Error(`${hint}: ${realised[0]!.storePaths.join(', ')} has no ${rel}`);
}

const BUILD_DERIVATION_PLACEHOLDER = '@buildDerivation@';

/** lib.escapeShellArg: safe words as they are, others in single quotes. */
export function escapeShellArg(s: string): string {
  return /^[A-Za-z0-9,._+:@%/-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** writeShellScriptBin "buildDerivation": exec the builder with its args. */
function buildDerivationScript(shell: string, info: DerivationInfo): string {
  return `#!${shell}\nexec ${escapeShellArg(info.builder)} ${info.args.map(escapeShellArg).join(' ')}\n`;
}

/** nix-shell's rc file (Nix 2.8 nix-build.cc), as nixpkgs writes it. */
export function rcfileText(shell: string, staticPath: string, spec: Pick<NixShellImageSpec, 'command' | 'run'>): string {
  const rc = [
    'unset PATH',
    'dontAddDisableDepTrack=1',
    '[ -e $stdenv/setup ] && source $stdenv/setup',
    `PATH=${staticPath}:"$PATH"`,
    `SHELL=${escapeShellArg(shell)}`,
    `BASH=${escapeShellArg(shell)}`,
    'set +e',
    `[ -n "$PS1" -a -z "$NIX_SHELL_PRESERVE_PROMPT" ] && PS1='\\n\\[\\033[1;32m\\][nix-shell:\\w]\\$\\[\\033[0m\\] '`,
    'if [ "$(type -t runHook)" = function ]; then',
    '  runHook shellHook',
    'fi',
    'unset NIX_ENFORCE_PURITY',
    'shopt -u nullglob',
    'shopt -s execfail',
  ];
  if (spec.command !== null || spec.run !== null) rc.push(spec.command ?? '', spec.run ?? '', 'exit');
  return `${rc.join('\n')}\n`;
}

/** Characters Nix takes in a store path name; others become '-'. */
function storeName(name: string): string {
  return name.replace(/[^A-Za-z0-9+\-._?=]/g, '-').replace(/^\./, '-').slice(0, 211);
}

interface HelperData {
  shell: string;
  coreutils: string;
  /** Store paths every helper build needs (the shell, coreutils). */
  refs: string[];
  buildDerivation: { text: string; refs: string[] };
  rcfile: { text: string; refs: string[] };
  binShTarget: string;
  usrBinEnvTarget: string;
  passwd: string;
  group: string;
  passAsFile: { name: string; text: string; refs: string[] }[];
}

interface Helpers {
  buildDerivation: string;
  rcfile: string;
  binSh: string;
  usrBinEnv: string;
  fakeNss: string;
  passAsFile: string[];
  all: string[];
}

// Every helper is a derivation whose builder is the shell, with coreutils on PATH. Paths
// come from the data file as plain strings; `builtins.storePath` gives them string context,
// which makes them inputs of the build (visible in a sandbox) and lets Nix find the
// references the output keeps.
const HELPERS_NIX = `# The helper store paths of a streamNixShellImage image (written by nix-docker).
{ dataFile }:
let
  data = builtins.fromJSON (builtins.readFile dataFile);
  mk = name: script: attrs: derivation ({
    inherit name;
    system = builtins.currentSystem;
    builder = data.shell;
    args = [ "-e" "-c" script ];
    PATH = "\${data.coreutils}/bin";
    inputs = map builtins.storePath (data.refs ++ (attrs.refs or [ ]));
  } // builtins.removeAttrs attrs [ "refs" ]);
  writeText = name: text: refs: mk name ''cp "$textPath" "$out"'' { inherit text refs; passAsFile = [ "text" ]; };
  buildDerivation = mk "buildDerivation" ''
    mkdir -p "$out/bin"
    cp "$textPath" "$out/bin/buildDerivation"
    chmod 0555 "$out/bin/buildDerivation"
  '' { inherit (data.buildDerivation) text refs; passAsFile = [ "text" ]; };
in {
  inherit buildDerivation;
  rcfile = writeText "nix-shell-rc"
    (builtins.replaceStrings [ "${BUILD_DERIVATION_PLACEHOLDER}" ] [ "\${buildDerivation}" ] data.rcfile.text)
    data.rcfile.refs;
  binSh = mk "bin-sh" ''mkdir -p "$out/bin"; ln -s "$target" "$out/bin/sh"'' { target = data.binShTarget; };
  usrBinEnv = mk "usr-bin-env" ''mkdir -p "$out/usr/bin"; ln -s "$target" "$out/usr/bin/env"'' { target = data.usrBinEnvTarget; };
  fakeNss = mk "fake-nss" ''
    mkdir -p "$out/etc" "$out/var/empty"
    cp "$passwdPath" "$out/etc/passwd"
    cp "$groupPath" "$out/etc/group"
    printf 'hosts: files dns\\n' > "$out/etc/nsswitch.conf"
  '' { inherit (data) passwd group; passAsFile = [ "passwd" "group" ]; };
  passAsFile = map (f: writeText f.name f.text f.refs) data.passAsFile;
}
`;

async function buildHelpers(data: HelperData, ctx: BuildContext): Promise<Helpers> {
  const dir = await fs.mkdtemp(path.join(ctx.workDir, 'nix-shell-helpers-'));
  const expr = path.join(dir, 'helpers.nix');
  const dataFile = path.join(dir, 'data.json');
  await fs.writeFile(expr, HELPERS_NIX);
  await fs.writeFile(dataFile, JSON.stringify(data));
  const attrs = ['buildDerivation', 'rcfile', 'binSh', 'usrBinEnv', 'fakeNss', ...data.passAsFile.map((_, i) => `passAsFile.${i}`)];
  let out: string;
  try {
    out = await run('nix-build', ['--no-out-link', expr, '--argstr', 'dataFile', dataFile, ...attrs.flatMap((a) => ['-A', a])], { onStderrLine: (l) => ctx.log.debug(l) });
  } catch (err) {
    if (err instanceof NixCommandError) err.message = `building the helper store paths of the image: ${err.message}`;
    throw err;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  const paths = lines(out);
  if (paths.length !== attrs.length) throw new Error(`building the helper store paths of the image: expected ${attrs.length} paths, nix-build printed ${JSON.stringify(out.slice(0, 400))}`);
  const [buildDerivation, rcfile, binSh, usrBinEnv, fakeNss, ...passAsFile] = paths as [string, string, string, string, string, ...string[]];
  return { buildDerivation, rcfile, binSh, usrBinEnv, fakeNss, passAsFile, all: paths };
}

async function isFile(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isFile() ?? false;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() ?? false;
}
