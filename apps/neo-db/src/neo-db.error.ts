/**
 * An error of the CLI itself, with the exit code it ends with: `usage` (2, the command line is
 * wrong: the command's usage follows) or `not-running` (1, nothing to talk to: start it first).
 */
export class NeoDbError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'not-running',
  ) {
    super(message);
    this.name = 'NeoDbError';
  }
}
