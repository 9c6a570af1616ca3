/** Receives the runtime's progress lines (never a password). */
export type LogLine = (line: string) => void;

/** The default when nobody listens. */
export const discardLogLine: LogLine = (line) => void line;
