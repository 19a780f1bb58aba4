/** The customisation layer could not be built; the message says which step and why. */
export class CustomisationError extends Error {
  override name = 'CustomisationError';
}

/** A user script (extraCommands, fakeRootCommands) exited non-zero. */
export class ScriptError extends CustomisationError {
  override name = 'ScriptError';
  readonly script: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last lines the script wrote to stderr. */
  readonly stderrTail: string[];

  constructor(script: string, exitCode: number | null, signal: string | null, stderrTail: string[]) {
    const how = exitCode !== null ? `exit code ${exitCode}` : `signal ${signal ?? '?'}`;
    const tail = stderrTail.length > 0 ? `:\n${stderrTail.map((l) => `  ${l}`).join('\n')}` : '';
    super(`${script} failed with ${how}${tail}`);
    this.script = script;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
  }
}
