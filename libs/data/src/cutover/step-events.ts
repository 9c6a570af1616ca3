import { monolithTarget } from '@neo/topology';
import { DataEventLog, stderrServiceLogger, type CutoverStepEvent, type EventLogger } from '../logging/index.js';
import { withAdmin, type CutoverContext } from './cutover-context.js';
import { readPhase } from './cutover-state.js';

export type CutoverStep = CutoverStepEvent['step'];

/** What a step adds to its event from its result: its own fields, and an outcome other than `done`. */
type StepDetails<T> = (result: T) => { outcome?: CutoverStepEvent['outcome'] } & Record<string, unknown>;

/**
 * Runs one operator step and logs it once, as it ends, through `context.events` (the services'
 * data-layer event log, context `neo-data`): the service, the step, the phase before and after,
 * how long it took, its outcome and what the step adds (a switch's write pause). A failed step is
 * logged with its error code and message (the steps' messages name nodes and logins, never
 * passwords), then rethrown. Without `context.events` nothing is read or logged.
 */
export async function loggedStep<T>(
  context: CutoverContext,
  service: string,
  step: CutoverStep,
  run: () => Promise<T>,
  details: StepDetails<T> = () => ({}),
  /** The phase the event reports: the cutover's (default), or a reshard's. */
  phaseOf: (context: CutoverContext, service: string) => Promise<string | null> = cutoverPhaseOf,
): Promise<T> {
  if (!context.events) return run();
  const events = new DataEventLog(service, context.events);
  const phaseBefore = await phaseOf(context, service);
  const startedAt = performance.now();
  const ended = async (fields: { outcome: CutoverStepEvent['outcome'] } & Record<string, unknown>) =>
    events.cutoverStep({
      step,
      phaseBefore,
      phaseAfter: await phaseOf(context, service),
      durationMs: performance.now() - startedAt,
      ...fields,
    });
  let result: T;
  try {
    result = await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    await ended({ outcome: 'failed', ...(typeof code === 'string' ? { code } : {}), error: (error as Error).message });
    throw error;
  }
  await ended({ outcome: 'done', ...details(result) });
  return result;
}

/** The phase the monolith records for `service`; `null` before any cutover, or when the monolith cannot be read. */
async function cutoverPhaseOf(context: CutoverContext, service: string): Promise<string | null> {
  try {
    const phase = await withAdmin(context, monolithTarget(context.topology, service), (client) => readPhase(client, service));
    return phase ?? null;
  } catch {
    // The step itself reports an unreachable monolith; the event still says what happened.
    return null;
  }
}

/** Where an operator's command logs its steps: the services' logger on stderr (stdout is the command's answer). */
export function cutoverEventLogger(env: NodeJS.ProcessEnv = process.env): EventLogger {
  return stderrServiceLogger(env);
}
