import { monolithTarget } from '@neo/topology';
import { withAdmin, type CutoverContext } from '../cutover/cutover-context.js';
import type { FlagWriter } from '../cutover/flag-writer.js';
import { loadServiceModels } from '../cutover/load-plan.js';
import { planReshard, type ReshardPlan } from './reshard-plan.js';
import { readReshardState, writeReshardPhase, type ReshardPhase, type ReshardState } from './reshard-state.js';

/**
 * What a reshard step needs: a cutover's context (servers, admin logins, timeouts, progress
 * hooks), plus the writer of the reshard's own flags (`Reshard.<service>.reads|writes`, see
 * `reshardFlags`), which the services' layout switch reads.
 */
export interface ReshardContext extends CutoverContext {
  layoutFlags: FlagWriter;
}

export async function loadReshardPlan(context: CutoverContext, service: string): Promise<ReshardPlan> {
  return planReshard(context.topology, service, await loadServiceModels(context, service));
}

/** The reshard's state lives in the monolith database, beside the cutover's. */
export function readStateOf(context: CutoverContext, service: string): Promise<ReshardState | undefined> {
  return withAdmin(context, monolithTarget(context.topology, service), (client) => readReshardState(client, service));
}

export function recordPhase(context: CutoverContext, service: string, phase: ReshardPhase): Promise<void> {
  return withAdmin(context, monolithTarget(context.topology, service), (client) => writeReshardPhase(client, service, phase));
}

/** The reshard's phase for a step's event; `null` before any reshard, or when the monolith cannot be read. */
export async function reshardPhaseOf(context: CutoverContext, service: string): Promise<string | null> {
  try {
    return (await readStateOf(context, service))?.phase ?? null;
  } catch {
    return null;
  }
}
