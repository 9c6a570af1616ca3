import { logOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import { readPhase } from './cutover-state.js';
import { loadCutoverPlan } from './load-plan.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { loggedStep } from './step-events.js';

/**
 * `switch-reads <service> --percent N`: N % of users (sticky by user id) read from the
 * service's own databases. Refused above 0 % until the service has been copied.
 */
export function switchReads(context: CutoverContext, service: string, percent: number): Promise<void> {
  return loggedStep(
    context,
    service,
    'switch-reads',
    () => setReadPercent(context, service, percent),
    () => ({ percent }),
  );
}

async function setReadPercent(context: CutoverContext, service: string, percent: number): Promise<void> {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new CutoverError('CUTOVER_WRONG_PHASE', `--percent must be a whole number from 0 to 100 (got ${percent}).`);
  }
  const plan = await loadCutoverPlan(context, service);
  const phase = await withAdmin(context, plan.monolith, (client) => readPhase(client, service));
  refuseAfterFinish(service, phase, 'switch-reads');
  if (percent > 0 && (phase === undefined || phase === 'copying')) {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to send reads of ${service} to its own databases: ${phase ? 'the initial copy is not finished' : 'it has not been copied'}. Run: neo-db copy ${service}`,
    );
  }
  await context.flags.setReadPercent(service, percent);
  logOf(context)(`${service}: ${percent} % of users read from the service's databases (${context.flags.describe()})`);
}
