import {
  copyToNextLayout,
  finishReshard,
  moveLayoutWrites,
  reshardFlags,
  reshardStatus,
  resyncReshard,
  switchLayoutReads,
  verifyLayouts,
  type ReshardContext,
} from '@neo/data/resharding';
import { cutoverContextFromWorkspace, flagWriter, type CutoverCommandValues } from '../cutover-commands.js';
import { NeoDbError } from '../neo-db.error.js';
import type { WorkspacePaths } from '../workspace-paths.js';

export const RESHARD_STEPS = ['copy', 'verify', 'switch-reads', 'switch-writes', 'rollback', 'resync', 'finish', 'status'] as const;
type ReshardStep = (typeof RESHARD_STEPS)[number];

/**
 * `neo-db reshard <service> <step>`: moves a sharded service's rows from its shards to the
 * layout declared in `sharding.next`, step by step (copy, verify, switch-reads --percent N,
 * switch-writes, rollback, resync after a failover, finish [--force], status). Resolves to the
 * exit code.
 */
export async function reshardCommand(
  values: CutoverCommandValues,
  positionals: string[],
  paths: WorkspacePaths,
  log: (line: string) => void,
): Promise<number> {
  const [service, step, ...extra] = positionals;
  if (service === undefined || step === undefined || extra.length > 0) {
    throw new NeoDbError(
      `takes a service and a step, e.g. neo-db reshard smartcontracts copy (steps: ${RESHARD_STEPS.join(', ')})`,
      'usage',
    );
  }
  if (!(RESHARD_STEPS as readonly string[]).includes(step)) {
    throw new NeoDbError(`there is no reshard step "${step}" (steps: ${RESHARD_STEPS.join(', ')})`, 'usage');
  }
  const percent = step === 'switch-reads' ? percentOption(values.percent) : undefined;
  const cutover = cutoverContextFromWorkspace(paths, values, log);
  const context: ReshardContext = { ...cutover, layoutFlags: flagWriter(paths, values, process.env, reshardFlags) };
  switch (step as ReshardStep) {
    case 'copy': {
      const result = await copyToNextLayout(context, service);
      if (result.started) log(`next: neo-db reshard ${service} verify, then switch-reads --percent N and switch-writes`);
      return 0;
    }
    case 'verify': {
      const report = await verifyLayouts(context, service);
      if (values.json) log(JSON.stringify(report, null, 2));
      else {
        for (const entry of report.comparisons)
          log(
            `${entry.layout} ${entry.shard} ${entry.table}: ${entry.actual.rows} row(s) ${entry.equal ? 'as expected' : `expected ${entry.expected.rows}`}`,
          );
        log(
          report.ok
            ? `${service}: both layouts hold the same rows, each on its shard`
            : report.differences.map((line) => `- ${line}`).join('\n'),
        );
      }
      return report.ok ? 0 : 2;
    }
    case 'switch-reads':
      await switchLayoutReads(context, service, percent!);
      return 0;
    case 'switch-writes': {
      const result = await moveLayoutWrites(context, service, 'next');
      if (!result.alreadyThere) log(`next: watch neo-db reshard ${service} status; undo with neo-db reshard ${service} rollback`);
      return 0;
    }
    case 'rollback':
      await switchLayoutReads(context, service, 0);
      await moveLayoutWrites(context, service, 'current');
      return 0;
    case 'resync': {
      const result = await resyncReshard(context, service);
      for (const link of result.links) log(`  rebuilt ${link.name}: ${link.route}`);
      if (result.verify.ok) {
        log(`${service}: reshard links rebuilt and caught up in ${Math.round(result.repairMs)} ms; both layouts hold the same rows`);
        return 0;
      }
      log(`${service}: reshard links rebuilt, but verify found ${result.verify.differences.length} difference(s):`);
      for (const difference of result.verify.differences) log(`  - ${difference}`);
      return 2;
    }
    case 'finish':
      await finishReshard(context, service, { force: values.force ?? false });
      return 0;
    case 'status': {
      const status = await reshardStatus(context, service);
      if (values.json) log(JSON.stringify(status, null, 2));
      else {
        log(
          `${service}: reshard phase ${status.phase ?? 'none (not started)'}${status.writesMovedAt ? `, writes on the next layout since ${status.writesMovedAt.toISOString()}` : ''}`,
        );
        log(`  guards: current layout ${status.guards.current.join(', ') || '-'}; next layout ${status.guards.next.join(', ') || '-'}`);
        for (const link of status.links)
          log(`  ${link.name} ${link.route}: ${link.problem ?? (link.starting ? 'starting' : `running, lag ${link.lagBytes ?? 0} bytes`)}`);
      }
      return status.links.some((link) => link.problem !== undefined && link.starting === undefined) ? 1 : 0;
    }
  }
}

function percentOption(text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > 100)
    throw new NeoDbError(
      `switch-reads needs --percent N, a whole number from 0 to 100${text === undefined ? '' : ` (got "${text}")`}`,
      'usage',
    );
  return Number(text);
}
