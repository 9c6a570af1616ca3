// Runs one cutover or reshard step in its own process, so a test can kill it (SIGKILL) at a known step.
// Started by `runStepInChild` with the workspace's source hooks (tools/typescript-sources.mjs).
//
// Input: the JSON file named by NEO_CUTOVER_CHILD_INPUT: { command, service, pauseAt?, fixture }.
// Output (IPC): { step } as each step begins, then { done } or { failed, code }.
// At the step named `pauseAt` it stops and waits to be killed.
import { readFileSync } from 'node:fs';
import { copyService } from '../copy-service.js';
import type { CutoverContext } from '../cutover-context.js';
import { FileFlagWriter } from '../file.flag-writer.js';
import { finishService } from '../finish-service.js';
import { moveWrites } from '../move-writes.js';
import { resyncService } from '../resync-service.js';
import { rollbackService } from '../rollback-service.js';
import { copyToNextLayout } from '../../resharding/reshard-copy.js';
import type { ReshardContext } from '../../resharding/reshard-context.js';
import { finishReshard } from '../../resharding/reshard-finish.js';
import { moveLayoutWrites } from '../../resharding/reshard-switch.js';
import { reshardFlags } from '../../selection/side-flag-names.js';
import type { ChildCommand } from './run-step-in-child.js';
import type { CutoverFixture } from './cutover-fixture.js';

interface ChildInput {
  command: ChildCommand;
  service: string;
  pauseAt?: string;
  fixture: CutoverFixture['childInput'];
}

const input = JSON.parse(readFileSync(process.env['NEO_CUTOVER_CHILD_INPUT']!, 'utf8')) as ChildInput;
const context: CutoverContext & ReshardContext = {
  layoutFlags: new FileFlagWriter({ path: input.fixture.flagsFile, flagNames: reshardFlags }),
  topology: input.fixture.topology,
  admin: (cluster) => input.fixture.admin[cluster]!,
  flags: new FileFlagWriter({ path: input.fixture.flagsFile }),
  prismaRoot: input.fixture.prismaRoot,
  timeouts: input.fixture.timeouts,
  onStep: async (step) => {
    process.send?.({ step });
    if (step === input.pauseAt) await new Promise(() => undefined);
  },
};

try {
  if (input.command === 'copy') await copyService(context, input.service);
  else if (input.command === 'switch-writes') await moveWrites(context, input.service, 'service');
  else if (input.command === 'resync') await resyncService(context, input.service);
  else if (input.command === 'finish') await finishService(context, input.service, { force: true });
  else if (input.command === 'rollback') await rollbackService(context, input.service);
  else if (input.command === 'reshard copy') await copyToNextLayout(context, input.service);
  else if (input.command === 'reshard switch-writes') await moveLayoutWrites(context, input.service, 'next');
  else if (input.command === 'reshard rollback') await moveLayoutWrites(context, input.service, 'current');
  else await finishReshard(context, input.service, { force: true });
  process.send?.({ done: true }, undefined, undefined, () => process.exit(0));
} catch (error) {
  process.send?.({ failed: (error as Error).message, code: (error as { code?: string }).code }, undefined, undefined, () =>
    process.exit(1),
  );
}
