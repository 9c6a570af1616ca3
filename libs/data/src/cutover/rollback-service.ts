import { logOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import { readPhase } from './cutover-state.js';
import { loadCutoverPlan } from './load-plan.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { shiftWrites, writeStepDetails, type MoveWritesResult } from './move-writes.js';
import { loggedStep } from './step-events.js';

/**
 * `rollback <service>`: every read and write back on the monolith in one command. Reads first
 * (the flag, immediate), then writes, with the same fence as switch-writes in the other
 * direction; the service's databases go on following the monolith, so switching again
 * later needs no new copy.
 */
export function rollbackService(context: CutoverContext, service: string): Promise<MoveWritesResult> {
  return loggedStep(context, service, 'rollback', () => rollBack(context, service), writeStepDetails);
}

async function rollBack(context: CutoverContext, service: string): Promise<MoveWritesResult> {
  const plan = await loadCutoverPlan(context, service);
  const phase = await withAdmin(context, plan.monolith, (client) => readPhase(client, service));
  refuseAfterFinish(service, phase, 'rollback');
  if (phase === undefined) {
    throw new CutoverError('CUTOVER_WRONG_PHASE', `Nothing to roll back: ${service} has not been copied, so it runs on the monolith only.`);
  }
  await context.flags.setReadPercent(service, 0);
  logOf(context)(`${service}: reads back on the monolith`);
  if (phase === 'copying') {
    await context.flags.setWriteSide(service, 'monolith');
    return { service, side: 'monolith', alreadyThere: true };
  }
  return shiftWrites(context, service, 'monolith');
}
