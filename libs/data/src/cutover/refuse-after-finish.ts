import { CutoverError } from './cutover.error.js';
import type { CutoverPhase } from './cutover-state.js';

/**
 * Once `finish` has begun, the links between the monolith and the service are (being) removed:
 * the steps that need them (copy, verify, switch-reads, switch-writes, rollback, resync) refuse,
 * saying why, and while a finish is unfinished, which command completes it.
 */
export function refuseAfterFinish(service: string, phase: CutoverPhase | undefined, command: string): void {
  if (phase === 'finished') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing neo-db ${command} ${service}: its cutover is finished (phase finished). ${service} lives in its own databases only and ` +
        `nothing replicates to or from the monolith any more, so there is nothing to ${command === 'verify' ? 'compare' : 'move or repair'}.`,
    );
  }
  if (phase === 'finishing') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing neo-db ${command} ${service}: a finish was interrupted (phase finishing) and has already removed part of the replication ` +
        `with the monolith. Complete it: neo-db finish ${service}`,
    );
  }
}
