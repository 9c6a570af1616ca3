import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCurrentPrimary, endpointKey, primaryEndpointKey, type Topology } from '@neo/topology';
import { promoteReplica, type FailoverNode, type FailoverResult } from '@neo/topology-runtime';
import type { CutoverFixture } from './cutover-fixture.js';

/** SIGKILLs the postmaster of `cluster`'s declared primary (a crash: no shutdown, no goodbye to the replicas). */
export function killPrimary(fixture: CutoverFixture, cluster: string): void {
  const declared = fixture.topology.clusters[cluster]!;
  const pidFile = join(fixture.running.dataDir!, cluster, declared.primary.name, 'postmaster.pid');
  process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
}

/** Promotes one of `cluster`'s replicas as `neo-db failover` does (fence the primary if it answers, repoint the others). */
export function promoteAReplica(fixture: CutoverFixture, cluster: string): Promise<FailoverResult> {
  const declared = fixture.topology.clusters[cluster]!;
  const admin = fixture.running.admin[cluster]!;
  const node = (name: string): FailoverNode => {
    const found = [declared.primary, ...declared.replicas].find((candidate) => candidate.name === name)!;
    return { name, target: { host: found.host!, port: found.port!, user: admin.user, password: admin.password, tls: declared.tls } };
  };
  return promoteReplica({
    cluster,
    primary: node(declared.primary.name),
    replicas: declared.replicas.map((replica) => node(replica.name)),
  });
}

/** The topology as `neo-db` binds it once the endpoints file names the promoted node as `<cluster>:primary`. */
export function withPromotedPrimary(fixture: CutoverFixture, cluster: string, promoted: string): Topology {
  const bound = structuredClone(fixture.topology);
  applyCurrentPrimary(cluster, bound.clusters[cluster]!, {
    [primaryEndpointKey(cluster)]: fixture.running.endpoints[endpointKey(cluster, promoted)]!,
  });
  return bound;
}
