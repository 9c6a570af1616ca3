import { ConsoleLogger, type LogLevel } from '@nestjs/common';

export type LogFormat = 'json' | 'pretty';

/**
 * A service's logger: Nest's console logger, one JSON object a line (level, time, pid, context,
 * message; data-layer events as objects) unless a person reads it: `pretty` in a terminal.
 * `NEO_LOG_FORMAT=json|pretty` decides when set (`neo-db up` sets it for the services it starts,
 * from its own terminal).
 */
export function serviceLogger(env: NodeJS.ProcessEnv = process.env, isTty = process.stdout.isTTY === true): ConsoleLogger {
  return new ConsoleLogger({ json: logFormat(env, isTty) === 'json' });
}

/**
 * The same logger, every line on stderr: for a command whose stdout is its answer (a cutover
 * command's report, `--json` output), so its event lines never mix into that answer.
 */
export function stderrServiceLogger(env: NodeJS.ProcessEnv = process.env, isTty = process.stderr.isTTY === true): ConsoleLogger {
  return new StderrConsoleLogger({ json: logFormat(env, isTty) === 'json' });
}

class StderrConsoleLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _stream?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}

export function logFormat(env: NodeJS.ProcessEnv, isTty: boolean): LogFormat {
  const chosen = env['NEO_LOG_FORMAT'];
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  return isTty ? 'pretty' : 'json';
}
