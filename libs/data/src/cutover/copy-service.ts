import { migrateFleet } from '../migrations/migrate-fleet.js';
import { dataNodeLabel, type DataNode } from '@neo/topology';
import { loggedStep } from './step-events.js';
import { connectAdmin, enterStep, logOf, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { CutoverPlan, CutoverTarget } from './cutover-plan.js';
import { ensureStateTable, readPhase, writePhase, type CutoverPhase } from './cutover-state.js';
import { readCopyProgress, type TableCopyProgress } from './copy-progress.js';
import { loadCutoverPlan } from './load-plan.js';
import { copyPartitionLayout } from './partition-layout.js';
import { ensurePublication } from './publications.js';
import { ensureReplicaIdentityFull } from './replica-identity.js';
import { ensureReplicationAlias } from './replication-alias.js';
import { replicationLinks } from './replication-links.js';
import { replicationName } from './replication-names.js';
import { checkServerLimits } from './server-limits.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { qualified, quoteIdent } from './sql-text.js';
import { subscriptionExists } from './subscriptions.js';
import { hasRows, readTableShape } from './table-catalog.js';
import { ensureGuardInfrastructure, guardTable, initGuard } from './write-guard.js';
import { startWithInitialCopy } from './write-switch.js';

export interface CopyResult {
  service: string;
  phase: CutoverPhase;
  /** False when the service was already copied (the command changed nothing). */
  started: boolean;
  progress: Array<{ target: string; tables: TableCopyProgress[] }>;
}

/**
 * `copy <service>`: creates the service's databases if missing, migrates them, and starts
 * logical replication monolith → service with an initial copy, then waits for the copy.
 * Every step checks what exists first, so a rerun (also after a kill) picks up where the
 * last run stopped; the initial copy itself goes on in the servers while no command runs.
 */
export function copyService(context: CutoverContext, service: string): Promise<CopyResult> {
  return loggedStep(
    context,
    service,
    'copy',
    () => copy(context, service),
    (result) => (result.started ? {} : { outcome: 'nothing-to-do' }),
  );
}

async function copy(context: CutoverContext, service: string): Promise<CopyResult> {
  const log = logOf(context);
  const timeouts = timeoutsOf(context);
  const plan = await loadCutoverPlan(context, service);
  const links = replicationLinks(plan, 'forward');
  const phase = await withAdmin(context, plan.monolith, async (client) => {
    await ensureStateTable(client);
    return readPhase(client, service);
  });
  refuseAfterFinish(service, phase, 'copy');
  if (phase !== undefined && phase !== 'copying') {
    log(`${service}: already copied (phase ${phase}); nothing to do`);
    return { service, phase, started: false, progress: [] };
  }

  await enterStep(context, 'copy:check-servers');
  await checkServerLimits(context, [...links, ...replicationLinks(plan, 'reverse')]);
  await withAdmin(context, plan.monolith, (client) => writePhase(client, service, 'copying'));

  await enterStep(context, 'copy:create-databases');
  for (const target of plan.targets) await ensureDatabase(context, target.node);

  await enterStep(context, 'copy:migrate');
  await migrateFleet({
    topology: context.topology,
    services: [service],
    monolith: true,
    log,
    ...(context.prismaRoot ? { prismaRoot: context.prismaRoot } : {}),
  });

  await enterStep(context, 'copy:check-targets');
  for (const target of plan.targets) await refuseUnrelatedData(context, plan, target);

  await enterStep(context, 'copy:partitions');
  await withAdmin(context, plan.monolith, async (monolith) => {
    for (const target of plan.targets) {
      await withAdmin(context, target.node, async (client) => {
        for (const table of target.tables) {
          const created = await copyPartitionLayout(monolith, plan.monolith.schema, client, 'public', table.table);
          if (created.length > 0)
            log(`${service}: ${dataNodeLabel(target.node)} got the monolith's partitions of ${table.table}: ${created.join(', ')}`);
        }
      });
    }
  });

  await enterStep(context, 'copy:guards');
  await withAdmin(context, plan.monolith, async (client) => {
    await ensureGuardInfrastructure(client);
    await initGuard(client, service, 'monolith', timeouts.guardWaitMs);
    for (const table of plan.tables) await guardTable(client, plan.monolith.schema, table.table, service, 'monolith');
    for (const table of plan.tables.filter((entry) => entry.role === 'sharded')) {
      await ensureReplicaIdentityFull(client, plan.monolith.schema, table.table);
    }
  });
  for (const target of plan.targets) {
    await withAdmin(context, target.node, async (client) => {
      await ensureGuardInfrastructure(client);
      await initGuard(client, service, 'monolith', timeouts.guardWaitMs);
      for (const table of target.tables) {
        await guardTable(client, 'public', table.table, service, 'service');
        const shape = await readTableShape(client, 'public', table.table);
        if (!shape)
          throw new CutoverError(
            'CUTOVER_UNSUPPORTED',
            `${dataNodeLabel(target.node)} has no table public.${table.table} after migrating: check prisma/${service}/migrations.`,
          );
        if (plan.monolith.schema !== 'public') await ensureReplicationAlias(client, plan.monolith.schema, shape);
      }
      // The reverse publication exists from the start; it has no slot (and costs nothing) until writes move.
      await ensurePublication(
        client,
        replicationName('reverse', target.objectName),
        target.reverseTables.map((table) => ({ schema: plan.monolith.schema, table })),
        { viaRoot: plan.monolith.schema !== 'public' },
      );
    });
  }

  await enterStep(context, 'copy:publications');
  await withAdmin(context, plan.monolith, async (client) => {
    for (const target of plan.targets) {
      await ensurePublication(
        client,
        replicationName('forward', target.objectName),
        target.tables.map((table) => ({
          schema: plan.monolith.schema,
          table: table.table,
          ...(table.filter ? { filter: table.filter } : {}),
        })),
        // A partitioned table's changes go out under its own name: the target's partitions may differ.
        { viaRoot: true },
      );
    }
  });

  await enterStep(context, 'copy:subscriptions');
  for (const link of links) {
    const created = await startWithInitialCopy(context, link);
    if (created)
      log(
        `${service}: replicating ${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)} (${link.name}), initial copy started`,
      );
  }

  await enterStep(context, 'copy:initial-copy');
  const progress = await waitForInitialCopy(context, plan, timeouts.copyMs);
  await withAdmin(context, plan.monolith, (client) => writePhase(client, service, 'replicating'));
  log(`${service}: initial copy done; the service's databases follow the monolith (phase replicating)`);
  return { service, phase: 'replicating', started: true, progress };
}

/** Creates `node`'s database when its server has none, owned by the node's login. */
export async function ensureDatabase(context: CutoverContext, node: DataNode): Promise<void> {
  await withAdmin(
    context,
    node,
    async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [node.database]);
      if (rowCount) return;
      await client.query(`CREATE DATABASE ${quoteIdent(node.database)} OWNER ${quoteIdent(node.user)}`);
      logOf(context)(`created database ${dataNodeLabel(node)}`);
    },
    'postgres',
  );
}

/** A target whose tables hold rows that no subscription of ours copied is not ours to fill. */
async function refuseUnrelatedData(context: CutoverContext, plan: CutoverPlan, target: CutoverTarget): Promise<void> {
  const name = replicationName('forward', target.objectName);
  await withAdmin(context, target.node, async (client) => {
    if (await subscriptionExists(client, name)) return;
    const filled: string[] = [];
    for (const table of target.tables) if (await hasRows(client, qualified('public', table.table))) filled.push(table.table);
    if (filled.length > 0) {
      throw new CutoverError(
        'CUTOVER_TARGET_NOT_EMPTY',
        `Refusing to copy ${plan.service} into ${dataNodeLabel(target.node)}: its table(s) ${filled.join(', ')} already hold rows that did not come from this cutover. ` +
          `Copying would mix them with the monolith's rows. Empty them (if they are leftovers) or point the topology at an empty database, then rerun copy.`,
      );
    }
  });
}

async function waitForInitialCopy(
  context: CutoverContext,
  plan: CutoverPlan,
  timeoutMs: number,
): Promise<Array<{ target: string; tables: TableCopyProgress[] }>> {
  const log = logOf(context);
  const deadline = Date.now() + timeoutMs;
  const clients = await Promise.all(plan.targets.map((target) => connectAdmin(context, target.node)));
  let lastLine = '';
  let lastLogged = 0;
  try {
    for (;;) {
      const progress = await Promise.all(
        plan.targets.map(async (target, index) => ({
          target: target.name,
          tables: await readCopyProgress(clients[index]!, replicationName('forward', target.objectName)),
        })),
      );
      const all = progress.flatMap((entry) => entry.tables);
      const ready = all.filter((table) => table.state === 'ready').length;
      const line =
        `${plan.service}: initial copy ${ready}/${all.length} tables ready` +
        progress
          .flatMap((entry) =>
            entry.tables
              .filter((table) => table.state !== 'ready')
              .map(
                (table) =>
                  `${entry.target}/${table.table} ${table.state}${table.rowsCopied !== undefined ? ` (${table.rowsCopied} rows)` : ''}`,
              ),
          )
          .map((text, index) => (index === 0 ? `; ${text}` : `, ${text}`))
          .join('');
      if (line !== lastLine && Date.now() - lastLogged >= 1_000) {
        log(line);
        lastLine = line;
        lastLogged = Date.now();
      }
      if (all.length > 0 && ready === all.length) return progress;
      if (Date.now() >= deadline) {
        throw new CutoverError(
          'CUTOVER_COPY_TIMEOUT',
          `The initial copy of ${plan.service} is not finished after ${timeoutMs} ms (${line}). It goes on in the servers: rerun copy to wait for it, or watch neo-db status.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.allSettled(clients.map((client) => client.end()));
  }
}
