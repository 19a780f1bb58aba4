// Where the @actions/cache client works, for one call. The client hashes the path strings
// it is given into the entry's version, globs them (a relative one against
// process.cwd()) and tars what it finds relative to GITHUB_WORKSPACE (else process.cwd()),
// extracting at the same place. An absolute path under RUNNER_TEMP would tie every entry
// to where RUNNER_TEMP is: a `container:` job (/__w/_temp), a runner with another work
// folder or a self-hosted runner would never find what a hosted job saved. So the client
// is given each entry's directory by its name alone (`index`, `b-<id>`) and sees the
// cache root as its working directory: the version and the archive's member names are
// the same wherever the root is.
//
// The root is the client's working directory only inside its own call (the call's async
// context, as clientOutput.ts reads its stdout): process.chdir() would also move the
// engine, which resolves relative paths (`./result`, a flake's `.`) against the working
// directory while layers are being restored. Inside a call, process.cwd() answers the
// root and GITHUB_WORKSPACE reads as unset (so the client falls back to process.cwd());
// everything else sees the process as it is.

import { AsyncLocalStorage } from 'node:async_hooks';

const context = new AsyncLocalStorage<string>();
let installed = 0;
let realCwd: typeof process.cwd | undefined;
let realEnv: NodeJS.ProcessEnv | undefined;

function install(): void {
  if (installed++ > 0) return;
  const cwd = (realCwd = process.cwd);
  const env = (realEnv = process.env);
  process.cwd = () => context.getStore() ?? cwd.call(process);
  const hidden = (k: string | symbol) => k === 'GITHUB_WORKSPACE' && context.getStore() !== undefined;
  process.env = new Proxy(env, {
    get: (t, k) => (hidden(k) ? undefined : Reflect.get(t, k)),
    has: (t, k) => !hidden(k) && Reflect.has(t, k),
    ownKeys: (t) => Reflect.ownKeys(t).filter((k) => !hidden(k)),
    getOwnPropertyDescriptor: (t, k) => (hidden(k) ? undefined : Reflect.getOwnPropertyDescriptor(t, k)),
  });
}

function uninstall(): void {
  if (--installed > 0) return;
  if (realCwd) process.cwd = realCwd;
  if (realEnv) process.env = realEnv;
  realCwd = realEnv = undefined;
}

/** Runs `fn` (a client call) with `root` as the client's working directory and workspace. */
export async function inCacheRoot<T>(root: string, fn: () => Promise<T>): Promise<T> {
  install();
  try {
    return await context.run(root, fn);
  } finally {
    uninstall();
  }
}
