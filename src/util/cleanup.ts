// What a signal must not leave behind. A `finally` does not run when SIGINT or SIGTERM
// ends the process (Node's default is to die at once), so outputs being written
// (`.NAME.PID.partial`) and work directories register here while they exist, and the
// entries install a handler that removes them, says one line and exits as a signal would.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

const pending = new Set<string>();

/** Removes `file` (or directory) if a signal ends the process before `forget` is called. */
export function removeOnSignal(file: string): () => void {
  pending.add(file);
  return () => void pending.delete(file);
}

/** A fresh directory under `parent`, removed on a signal until removeTempDir removes it. */
export async function makeTempDir(parent: string, prefix: string): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(parent, prefix));
  pending.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
  pending.delete(dir);
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/** On SIGINT/SIGTERM/SIGHUP: remove what is registered, let `say` report it (one line), exit 128+n. */
export function cleanUpOnSignals(say: (signal: string) => void): void {
  for (const [signal, n] of Object.entries(SIGNALS)) {
    process.once(signal, () => {
      for (const p of pending) {
        try {
          fs.rmSync(p, { recursive: true, force: true });
        } catch {
          // Read-only directories (store modes) inside a work directory: made writable first.
          unlockSync(p);
          fs.rmSync(p, { recursive: true, force: true });
        }
      }
      say(signal);
      process.exit(128 + n);
    });
  }
}

function unlockSync(dir: string): void {
  try {
    fs.chmodSync(dir, 0o700);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) unlockSync(path.join(dir, e.name));
  } catch {
    // Not a directory, or gone.
  }
}
