import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataNode, Topology } from '@neo/topology';
import { copyService, resyncService, verifyService, type CutoverContext } from '@neo/data/cutover';
import { currentLsn, waitForSlotConfirmed } from '../../../../libs/data/src/cutover/catch-up.js';
import { adminConfig, withAdmin } from '../../../../libs/data/src/cutover/cutover-context.js';
import type { CutoverPlan } from '../../../../libs/data/src/cutover/cutover-plan.js';
import { loadCutoverPlan } from '../../../../libs/data/src/cutover/load-plan.js';
import { replicationLinks } from '../../../../libs/data/src/cutover/replication-links.js';
import { startCutoverFixture, type CutoverFixture } from '../../../../libs/data/src/cutover/test-support/cutover-fixture.js';
import { runStepInChild } from '../../../../libs/data/src/cutover/test-support/run-step-in-child.js';
import { sleep, STORAGE_OBJECTS, WriteLoad } from '../../../../libs/data/src/cutover/test-support/write-load.js';
import { failoverCommand } from './failover.command.js';

/*
 * `neo-db failover` of a service's cluster while the service's database follows the monolith
 * (forward link: the promoted node is the subscriber; the old primary, fenced read-only but
 * still running, keeps its copy of the subscription). Writes go on on the monolith throughout.
 * The failover rebuilds the link on the promoted node by itself; a resync killed halfway and
 * run again leaves it whole as well.
 */

const SERVICE = 'storage';
const CLUSTER = 'core';
let fixture: CutoverFixture;
let load: WriteLoad;
let workDir: string;

beforeAll(async () => {
  fixture = await startCutoverFixture({ service: SERVICE, unsharded: true, serviceReplicas: 2, timeouts: { workerStartMs: 10_000 } });
  const plan = await loadCutoverPlan(fixture.context, SERVICE);
  load = new WriteLoad(fixture, plan, STORAGE_OBJECTS, fixture.context.flags);
  await load.seed(5_000);
  await copyService(fixture.context, SERVICE);
  workDir = mkdtempSync(join(tmpdir(), 'neo-failover-links-'));
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await fixture?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** The topology with `promoted` as the primary of the cluster, as neo-db binds it after the failover. */
function withPrimary(topology: Topology, promoted: string): Topology {
  const bound = structuredClone(topology);
  const cluster = bound.clusters[CLUSTER]!;
  const nodes = [cluster.primary, ...cluster.replicas];
  cluster.primary = nodes.find((node) => node.name === promoted)!;
  cluster.replicas = nodes.filter((node) => node.name !== promoted);
  return bound;
}

/** Everything acknowledged so far, checked on the service's (promoted) primary once it confirmed all the monolith wrote. */
function serviceProblems(context: CutoverContext, plan: CutoverPlan): Promise<string[]> {
  const link = replicationLinks(plan, 'forward')[0]!;
  return load.problemsOn('service', () =>
    withAdmin(context, link.publisher, async (client) =>
      waitForSlotConfirmed(client, link.name, await currentLsn(client), 10_000, link.name),
    ),
  );
}

async function subscriptionEnabled(context: CutoverContext, node: DataNode, name: string): Promise<boolean | undefined> {
  const client = new pg.Client(adminConfig(context, node));
  await client.connect();
  try {
    const { rows } = await client.query<{ enabled: boolean }>('SELECT subenabled AS enabled FROM pg_subscription WHERE subname = $1', [
      name,
    ]);
    return rows[0]?.enabled;
  } finally {
    await client.end();
  }
}

describe('neo-db failover of a cluster that subscribes to a cutover link', () => {
  it('rebuilds the forward link on the promoted node, also after a resync killed halfway; nothing lost or doubled', async () => {
    await load.start();
    while (load.acknowledged.size < 5_000 + 100) await sleep(20);

    const lines: string[] = [];
    const oldPrimary = fixture.topology.clusters[CLUSTER]!.primary.name;
    const exit = await failoverCommand(fixture.topology, fixture.context.admin, [CLUSTER], {
      endpointsFile: join(workDir, 'endpoints.json'),
      localDataDir: join(workDir, 'data'),
      log: (line) => lines.push(line),
      cutover: {
        admin: fixture.context.admin,
        flags: fixture.context.flags,
        prismaRoot: fixture.prismaRoot,
        timeouts: { workerStartMs: 10_000 },
      },
    });
    expect({ exit, lines }).toMatchObject({ exit: 0 });
    const promoted = /(\S+) is the primary now/.exec(lines.join('\n'))![1]!;
    expect(lines.join('\n')).toContain(`cutover links of ${SERVICE} rebuilt on ${promoted}`);

    const context: CutoverContext = { ...fixture.context, topology: withPrimary(fixture.topology, promoted) };
    const plan = await loadCutoverPlan(context, SERVICE);
    load.followPrimaries(plan);
    expect(await serviceProblems(context, plan)).toEqual([]);
    // The fence disabled the fenced old primary's copy of the subscription: it applies nothing there and cannot take the slot.
    const declaredOld = fixture.topology.clusters[CLUSTER]!.primary;
    const old: DataNode = { ...plan.targets[0]!.node, node: oldPrimary, host: declaredOld.host!, port: declaredOld.port! };
    expect(await subscriptionEnabled(context, old, `neo_fwd_${SERVICE}`)).toBe(false);

    // Killed after the old link was dropped and the new slot made: the rerun starts again and finishes.
    fixture.childInput.topology = context.topology;
    const killed = await runStepInChild(fixture, 'resync', { killAt: 'resync:copy' });
    expect(killed.outcome).toBe('killed');
    const rerun = await resyncService(context, SERVICE);
    expect(rerun.verify.differences).toEqual([]);
    const ackedAtRerun = load.acknowledged.size;
    while (load.acknowledged.size < ackedAtRerun + 100) await sleep(20);
    const problems = await serviceProblems(context, plan);
    expect(problems).toEqual([]);
    await load.stop();
    expect((await verifyService(context, SERVICE)).differences).toEqual([]);
    console.log(
      `forward link after a failover: writes acknowledged ${load.acknowledged.size} (on the monolith, under load throughout), ` +
        `failed ${load.failures.length}; missing/doubled/wrong on the promoted service primary ${problems.length}; rerun after a kill: rebuilt and caught up in ${rerun.repairMs.toFixed(0)} ms`,
    );
    expect(load.failures.map((error) => error.message)).toEqual([]);
  }, 120_000);
});
