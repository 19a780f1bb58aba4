// `nix-docker <function> [attributes] [--out PATH] [--load] [--json]`: flags → spec →
// engine → delivery. stdout carries only data (the archive or --json); logs go to stderr.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type CliOptions } from './args.ts';
import { usage, functionHelp } from './help.ts';
import { FUNCTIONS, functionName, parseSpec, readSpecFile, UsageError, type RawAttributes } from '../spec/index.ts';
import { extensionFor } from '../compress/index.ts';
import { planLayeredImage } from '../functions/layeredImage.ts';
import { deliver } from '../functions/deliver.ts';
import { storeDir } from '../nix/index.ts';
import { stderrLogger } from '../util/log.ts';

export const VERSION = '0.1.0';

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
    process.stdout.write(`nix-docker ${VERSION}\n`);
    return 0;
  }
  const fn = functionName(first);
  const { options, raw: flags } = parseArgs(fn, rest);
  if (options.help) {
    process.stdout.write(functionHelp(fn));
    return 0;
  }
  const raw: RawAttributes = options.spec ? readSpecFile(options.spec) : new Map();
  for (const [k, v] of flags) raw.set(k, v);
  const spec = parseSpec(fn, raw);

  const toStdout = fn === 'streamLayeredImage' && !options.out && !options.load;
  if (toStdout && options.json) throw new UsageError('--json needs --out or --load here: stdout carries the archive');
  if (toStdout && process.stdout.isTTY) throw new UsageError('refusing to write an image archive to a terminal; pipe it or use --out');
  const out = options.out ?? (fn !== 'streamLayeredImage' && !toStdout ? `${spec.name}${extensionFor(spec.compressor)}` : undefined);
  if (out) await checkWritableDir(out);

  const log = stderrLogger(options.verbose);
  const workDir = await fsp.mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'nix-docker-'));
  try {
    const plan = await planLayeredImage(spec, { workDir, log, now: new Date(), storeDir: await storeDir() });
    const result = await deliver(plan, {
      out,
      stdout: toStdout ? process.stdout : undefined,
      load: options.load,
      compressor: spec.compressor,
      log,
    }).finally(() => plan.dispose());
    if (options.json) {
      const report = { function: fn, ...result, storeLayers: plan.storeLayers, passthru: spec.passthru ?? undefined };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else if (out) {
      log.info(`Wrote ${result.image} to ${result.archive}`);
    }
    return 0;
  } finally {
    await fsp.rm(workDir, { recursive: true, force: true });
  }
}

async function checkWritableDir(out: string): Promise<void> {
  const dir = path.dirname(path.resolve(out));
  try {
    await fsp.access(dir, fsp.constants.W_OK);
  } catch {
    throw new UsageError(`--out ${out}: directory ${dir} does not exist or is not writable`);
  }
}

export type { CliOptions };
export { FUNCTIONS };
