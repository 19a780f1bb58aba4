// The engine reports through this interface and never through @actions/core or
// console directly, so the CLI, the action and the tests drive it unchanged.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** Runs `fn` as a named phase (a log group in the action, a heading in the CLI). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Logs to stderr: stdout is kept for data (archives, --json). */
export function stderrLogger(verbose = false): Logger {
  return {
    info: (m) => process.stderr.write(`${m}\n`),
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (verbose) process.stderr.write(`debug: ${m}\n`);
    },
    group: async (title, fn) => {
      if (verbose) process.stderr.write(`== ${title}\n`);
      return fn();
    },
  };
}

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  debug: () => {},
  group: (_t, fn) => fn(),
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
