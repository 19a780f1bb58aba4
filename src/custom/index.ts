/**
 * The customisation layer of streamLayeredImage / buildLayeredImage.
 *
 * What nixpkgs does (pkgs/build-support/docker/default.nix, streamLayeredImage,
 * read at amansakhuja/nixpkgs5@81babd460f93197c19601d6f4d20650bcf2c643e, a
 * nixpkgs copy with `layeringPipeline` and dockerAutoLayer; the same block at
 * NixOS/nixpkgs@34b7a306 differs only in fakechroot instead of proot):
 *
 *   customisationLayer = symlinkJoin {
 *     paths = contentsList;
 *     extraCommands = optionalString includeNixDB (mkDbExtraCommand contents) + extraCommands;
 *     postBuild = ''
 *       mv $out old_out
 *       (cd old_out; eval "$extraCommands" )
 *       mkdir $out
 *       fakeroot bash -e -c '              # enableFakechroot = false
 *         source $stdenv/setup; cd old_out; eval "$fakeRootCommands"
 *         tar --sort name --numeric-owner --mtime "@$SOURCE_DATE_EPOCH" \
 *             --hard-dereference -cf $out/layer.tar .'
 *       # enableFakechroot = true: the same under
 *       #   proot -r $PWD/old_out --bind=/dev/:/dev/! --bind=/proc/:/proc/! \
 *       #     --bind=/sys/:/sys/! --bind=/nix/store/:/nix/store/! \
 *       #     --bind=$out/layer.tar:$out/layer.tar! --pwd=/ fakeroot bash -e -c '...'
 *       # with no `cd`, and tar also given --exclude=./dev --exclude=./proc
 *       # --exclude=./sys --exclude=./nix/store.
 *     '';
 *   };
 *   closureRoots = optionals includeStorePaths [ baseJson customisationLayer ];
 *
 * Facts used here:
 * - symlinkJoin = `mkdir -p $out; for i in $(cat $pathsPath); do lndir -silent $i $out; done`
 *   (pkgs/build-support/trivial-builders/default.nix): see symlinkJoin.ts.
 * - extraCommands run as the build user, no fakeroot, cwd = the joined tree,
 *   in the builder's bash: errexit (bash -e), pipefail and nullglob (stdenv's
 *   setup.sh), umask 022 (Nix), SOURCE_DATE_EPOCH=315532800 (setup.sh's
 *   `: "${SOURCE_DATE_EPOCH:=315532800}"`, 1980-01-01). includeNixDB's
 *   mkDbExtraCommand is prepended to extraCommands: it runs first, same cwd.
 * - fakeRootCommands run in `fakeroot bash -e -c` after extraCommands, and the
 *   tar is written in the same fakeroot session, so it records what fakeroot
 *   shows: owner 0/0 for anything not chown'ed there, modes and device nodes
 *   as recorded. GNU tar's defaults apply (gnu format, 10240-byte records);
 *   --numeric-owner leaves uname/gname empty; --mtime sets every member's
 *   mtime; --hard-dereference stores hard links as files; names are `./...`.
 * - `mtime` of streamLayeredImage does not reach this layer: only
 *   SOURCE_DATE_EPOCH does; stream_layered_image.py's add_customisation_layer
 *   copies layer.tar unchanged and stamps `mtime` on the outer member only.
 *   uid/gid/uname/gname do not reach it either.
 * - The layer is a closure root, so whatever store path it mentions (a
 *   symlink extraCommands made, a file naming a store path, the Nix db) is
 *   pulled into the image with its closure: `storeRefs`.
 *
 * Departures (the host is not a Nix build sandbox): scripts get the caller's
 * environment and PATH, not stdenv's (no stdenv shell functions); fakeroot is
 * told not to chown for real (FAKEROOTDONTTRYCHOWN, as a non-root builder);
 * with enableFakechroot the host's tools are made visible inside as
 * fakechroot.ts explains.
 */

import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedTar } from '../model.ts';
import { planDirectoryTar } from '../tar/index.ts';
import type { Logger } from '../util/log.ts';
import { withDevices } from './devices.ts';
import { CustomisationError } from './errors.ts';
import { cleanLayer, existingPaths, planChroot, prepareLayer } from './fakechroot.ts';
import { fakerootView, readFakerootState, type FakedStat } from './fakerootView.ts';
import { capture, requireTool, runScript } from './run.ts';
import { joinTar } from './joinTar.ts';
import { findStoreRefs, storeRefsInTree } from './storeRefs.ts';
import { joinedText, LNDIR_DIR_MODE, materialiseJoin, planJoin } from './symlinkJoin.ts';

export { CustomisationError, ScriptError } from './errors.ts';
export { symlinkJoin } from './symlinkJoin.ts';

/** SOURCE_DATE_EPOCH as nixpkgs' stdenv sets it: 1980-01-01T00:00:00Z. */
export const SOURCE_DATE_EPOCH = 315532800;

export interface CustomisationOptions {
  /** Store paths (absolute directories) joined as symlinkJoin joins them. */
  contents: readonly string[];
  /** Bash run in the layer directory, as the user. */
  extraCommands?: string;
  /** Bash run in the layer directory under fakeroot. */
  fakeRootCommands?: string;
  /** Run fakeRootCommands under proot with the layer as `/` and the store bound. */
  enableFakechroot?: boolean;
  /** includeNixDB: fills `root` with a Nix db; runs before extraCommands, like mkDbExtraCommand. */
  nixDb?: (root: string) => Promise<void>;
  /** A fresh temporary directory is made under it. */
  workDir: string;
  log: Logger;
  /** Every member's mtime and the scripts' SOURCE_DATE_EPOCH. Default 315532800. */
  sourceDateEpoch?: number;
  /** Default "/nix/store". */
  storeDir?: string;
  /** Environment of the scripts (PATH finds bash, fakeroot, proot). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface CustomisationLayer {
  /** The layer's tree (under workDir) when a script made it there; valid until dispose(). */
  root?: string;
  /** The layer tar; reads files from `root`, so consume it before dispose(). */
  tar: PlannedTar;
  /** Store paths the layer mentions, sorted: closure roots of the image. */
  storeRefs: string[];
  /** Removes the temporary directory. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const wrap = (variable: string): string =>
  `umask 022; set -o pipefail; shopt -s nullglob; eval "$${variable}"`;

/** Removes a tree even where a script left directories without write permission. */
async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    const unlock = async (d: string): Promise<void> => {
      await chmod(d, 0o700).catch(() => {});
      for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
        if (e.isDirectory()) await unlock(join(d, e.name));
      }
    };
    await unlock(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the customisation layer. The result owns a temporary directory:
 * call dispose() (or `await using`) once the tar has been consumed. On
 * failure the directory is removed before the error is thrown.
 */
export async function buildCustomisationLayer(opts: CustomisationOptions): Promise<CustomisationLayer> {
  const { log } = opts;
  const storeDir = opts.storeDir ?? '/nix/store';
  const epoch = opts.sourceDateEpoch ?? SOURCE_DATE_EPOCH;
  const baseEnv = opts.env ?? process.env;
  const env: NodeJS.ProcessEnv = { ...baseEnv, SOURCE_DATE_EPOCH: String(epoch), TZ: 'UTC' };
  const extraCommands = opts.extraCommands ?? '';
  const fakeRootCommands = opts.fakeRootCommands ?? '';
  const chroot = opts.enableFakechroot ?? false;

  log.info(`customisation layer: joining ${opts.contents.length} path(s)`);
  const joined = planJoin(opts.contents, log);
  if (opts.nixDb === undefined && extraCommands.trim() === '' && fakeRootCommands.trim() === '' && !chroot) {
    // Nothing changes the join: the layer is written from the tree in memory, never laid out on disk.
    const tar = joinTar(joined, epoch);
    const storeRefs = await storeRefsInTree(joinedText(joined), [], storeDir);
    log.debug(`customisation layer: ${tar.size} bytes, ${storeRefs.length} store reference(s)`);
    const none = async () => {};
    return { tar, storeRefs, dispose: none, [Symbol.asyncDispose]: none };
  }

  const tmp = await mkdtemp(join(opts.workDir, 'custom-'));
  const dispose = () => removeTree(tmp);
  try {
    const root = join(tmp, 'layer');
    await mkdir(root);
    await chmod(root, LNDIR_DIR_MODE);
    materialiseJoin(joined, root);

    if (opts.nixDb !== undefined) {
      log.info('customisation layer: generating the Nix database');
      await opts.nixDb(root);
    }

    const bash = () => requireTool('bash', env.PATH, 'customisation layer scripts');
    if (extraCommands.trim() !== '') {
      log.info('customisation layer: running extraCommands');
      await runScript({
        label: 'extraCommands',
        argv: [await bash(), '-e', '-c', wrap('extraCommands')],
        cwd: root,
        env: { ...env, extraCommands },
        log,
      });
    }

    let db: ReadonlyMap<string, FakedStat> = new Map();
    if (chroot) await prepareLayer(root);
    if (fakeRootCommands.trim() !== '') {
      const fakeroot = await requireTool('fakeroot', env.PATH, 'fakeRootCommands');
      const shell = await bash();
      const state = join(tmp, 'fakeroot.state');
      const fenv: NodeJS.ProcessEnv = { ...env, fakeRootCommands, FAKEROOTDONTTRYCHOWN: '1' };
      if (!chroot) {
        log.info('customisation layer: running fakeRootCommands under fakeroot');
        await runScript({
          label: 'fakeRootCommands',
          argv: [fakeroot, '-s', state, '--', shell, '-e', '-c', wrap('fakeRootCommands')],
          cwd: root,
          env: fenv,
          log,
        });
      } else {
        log.info('customisation layer: running fakeRootCommands under fakeroot and proot');
        const proot = await requireTool('proot', env.PATH, 'enableFakechroot');
        const envTool = await requireTool('env', env.PATH, 'enableFakechroot');
        const probe = await capture(
          [fakeroot, '--', shell, '-c', 'printf %s "$LD_LIBRARY_PATH"'],
          env,
        );
        const plan = await planChroot({
          layer: root,
          storeDir,
          bash: shell,
          hostPath: env.PATH ?? '',
          fakerootLibraryPath: probe.toString('utf8'),
          env,
        });
        const before = await existingPaths(root, plan.mountPoints);
        try {
          await runScript({
            label: 'fakeRootCommands',
            argv: [
              fakeroot, '-s', state, '--',
              envTool, '-u', 'TMPDIR', `PATH=${plan.path}`,
              proot, ...plan.prootArgs,
              plan.bash, '-e', '-c', wrap('fakeRootCommands'),
            ],
            cwd: tmp,
            env: fenv,
            log,
          });
        } finally {
          await cleanLayer(root, plan.mountPoints, before);
        }
      }
      db = await readFakerootState(state).catch((err: Error) => {
        throw new CustomisationError(`fakeroot kept no state (${err.message})`);
      });
    } else if (chroot) {
      await cleanLayer(root, [], new Set());
    }

    const view = fakerootView(root, db);
    const tar = withDevices(
      await planDirectoryTar(root, {
        dialect: 'gnu',
        mtime: epoch,
        numericOwner: true,
        owners: view.owners,
        modes: view.modes,
      }),
      view.devices,
    );
    const storeRefs = await findStoreRefs(root, storeDir);
    log.debug(`customisation layer: ${tar.size} bytes, ${storeRefs.length} store reference(s)`);
    return { root, tar, storeRefs, dispose, [Symbol.asyncDispose]: dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
