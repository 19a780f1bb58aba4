/** A bad attribute: the message names it and says what was expected, in one line. */
export class SpecError extends Error {
  override name = 'SpecError';
  readonly attribute: string;
  constructor(attribute: string, expected: string) {
    super(`attribute '${attribute}': ${expected}`);
    this.attribute = attribute;
  }
}

/** An error the user caused (bad input, missing tool); the CLI exits 2 with its one-line message. */
export class UsageError extends Error {
  override name = 'UsageError';
}
