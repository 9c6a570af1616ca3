/**
 * The routed client's own cost per call, without a database: the routing layer (scope capture,
 * replica selection, breaker, counters, metrics) over node clients that answer at once, against
 * calling such a client directly. Complements replication.bench.ts, whose end-to-end figures
 * swing with the load of a shared machine.
 *
 *   node --import ./tools/typescript-sources.mjs bench/routing-layer.bench.ts
 */
import { DataMetrics, type RoutingReason } from '../libs/data/src/metrics/data-metrics.js';
import { CircuitBreaker } from '../libs/data/src/replication/circuit-breaker.js';
import { NodeClient } from '../libs/data/src/replication/node-client.js';
import { NodeRoles } from '../libs/data/src/replication/node-roles.js';
import { ReadWriteRouter } from '../libs/data/src/replication/read-write-router.js';
import { RoundRobinPicker } from '../libs/data/src/replication/replica-pickers.js';
import { ReplicaSelector } from '../libs/data/src/replication/replica-selector.js';
import { createRoutedClient } from '../libs/data/src/replication/routed-client.js';
import { SessionWrites } from '../libs/data/src/replication/session-writes.js';
import { runWithRequestContext } from '../libs/data/src/context/request-context.js';
import { median } from './bench-stats.js';

const instantClient = () => ({
  item: {
    findUnique: (args: unknown) => Promise.resolve(args),
    create: (args: unknown) => Promise.resolve(args),
  },
});
const metrics = new DataMetrics({ service: 'bench' });
const node = (label: string, role: 'primary' | 'replica') =>
  new NodeClient(label, role, 1, instantClient(), new CircuitBreaker(), metrics.queryRecorder({ database: 'bench', node: label, role }));
const primary = node('primary', 'primary');
const replicas = [node('replica-1', 'replica'), node('replica-2', 'replica')];
const allFresh = { isWithinLag: () => true, replayLsn: () => 1n, primaryLsnObservedAfter: () => 0n };
const sessions = new SessionWrites();
const roles = new NodeRoles([primary, ...replicas], primary);
// Routing decisions counted as a replica set counts them: each node's counter made once.
const routingOf = new Map<NodeClient<unknown>, (reason: RoutingReason) => void>();
const recordRouting = (target: NodeClient<unknown>, reason: RoutingReason) => {
  let record = routingOf.get(target);
  if (!record) {
    record = metrics.routingRecorder({ database: 'bench', node: target.label, role: target.role });
    routingOf.set(target, record);
  }
  record(reason);
};
const router = new ReadWriteRouter(roles, new ReplicaSelector(roles, new RoundRobinPicker(), allFresh, sessions), sessions, recordRouting);
const routed = createRoutedClient(router);
const direct = instantClient();
// A database without replicas (single-primary clusters, the monolith side): the same router, the primary alone.
const alone = node('primary-alone', 'primary');
const aloneSessions = new SessionWrites();
const aloneRoles = new NodeRoles([alone], alone);
const routedAlone = createRoutedClient(
  new ReadWriteRouter(
    aloneRoles,
    new ReplicaSelector(aloneRoles, new RoundRobinPicker(), allFresh, aloneSessions),
    aloneSessions,
    recordRouting,
  ),
);

async function microsPerCall(call: (i: number) => Promise<unknown>, calls = 200_000): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(i);
  return ((performance.now() - started) * 1000) / calls;
}

const rows: Record<string, number[]> = {};
for (let run = 0; run < 5; run++) {
  (rows['direct read'] ??= []).push(await microsPerCall((i) => direct.item.findUnique({ where: { id: i } })));
  (rows['routed read'] ??= []).push(await microsPerCall((i) => routed.item.findUnique({ where: { id: i } })));
  (rows['routed read in a request context'] ??= []).push(
    await runWithRequestContext({ userId: 'u', requestId: 'r' }, () => microsPerCall((i) => routed.item.findUnique({ where: { id: i } }))),
  );
  (rows['routed read, primary alone, in a request context'] ??= []).push(
    await runWithRequestContext({ userId: 'u', requestId: 'r' }, () =>
      microsPerCall((i) => routedAlone.item.findUnique({ where: { id: i } })),
    ),
  );
  (rows['direct write'] ??= []).push(await microsPerCall((i) => direct.item.create({ data: { i } })));
  (rows['routed write in a request context'] ??= []).push(
    await runWithRequestContext({ userId: 'u', requestId: 'r' }, () => microsPerCall((i) => routed.item.create({ data: { i } }))),
  );
  (rows['routed write, primary alone, in a request context'] ??= []).push(
    await runWithRequestContext({ userId: 'u', requestId: 'r' }, () => microsPerCall((i) => routedAlone.item.create({ data: { i } }))),
  );
}
console.log('| call | µs per call (median of 5 runs) |\n|---|---|');
for (const [name, values] of Object.entries(rows)) console.log(`| ${name} | ${median(values).toFixed(2)} |`);
