import { DataError } from '@neo/topology';

/** Stable codes of the feature-flag errors, for callers that branch on them. */
export type FlagsErrorCode =
  /** The flags file does not describe valid flags; `problems` lists every finding. */
  | 'FLAGS_FILE_INVALID'
  /** The flags file could not be read. */
  | 'FLAGS_FILE_UNREADABLE'
  /** The options given to a flag provider cannot work (e.g. an Unleash URL that is not a URL). */
  | 'FLAGS_PROVIDER_MISCONFIGURED';

export class FlagsError extends DataError {
  declare readonly code: FlagsErrorCode;
  /** Every problem found (only for `FLAGS_FILE_INVALID`), each as `path: problem`. */
  readonly problems: readonly string[];

  constructor(code: FlagsErrorCode, message: string, options: { cause?: unknown; problems?: readonly string[] } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problems = options.problems ?? [];
  }
}
