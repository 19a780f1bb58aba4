// Errors of the Nix adapter. Small classes that set `name`, so callers can tell
// "Nix is missing" (an install problem) from "a Nix command failed" (a build problem)
// from "the image would refer to paths the store does not hold" (a spec problem).

/** The Nix command-line tools are not on PATH. */
export class NixNotFoundError extends Error {
  override name = 'NixNotFoundError';
  readonly command: string;
  constructor(command: string) {
    super(
      `Nix is not installed: \`${command}\` was not found on PATH. Install Nix before this step ` +
        '(e.g. cachix/install-nix-action or DeterminateSystems/nix-installer-action; see https://nixos.org/download).',
    );
    this.command = command;
  }
}

/** A Nix command exited with an error; the message carries the command line and its stderr tail. */
export class NixCommandError extends Error {
  override name = 'NixCommandError';
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderrTail: string;
  constructor(command: string, exitCode: number | null, signal: string | null, stderrTail: string) {
    const how = signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}`;
    super(`\`${command}\` ${how}${stderrTail ? `:\n${stderrTail}` : ''}`);
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

/** Something the user named is not (or cannot become) a valid store path. */
export class NixPathError extends Error {
  override name = 'NixPathError';
  /** The offending items or store paths, as given. */
  readonly paths: string[];
  constructor(message: string, paths: string[]) {
    super(message);
    this.paths = paths;
  }
}
