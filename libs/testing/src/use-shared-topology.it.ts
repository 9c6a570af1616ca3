import { serviceCredentials } from '@neo/topology';
import { describe, expect, it } from 'vitest';
import { withClient } from './pg-client.js';
import { useSharedTopology } from './use-shared-topology.js';

describe('useSharedTopology', () => {
  const { topology, endpoints, admin } = useSharedTopology();

  it('binds every started node of config/topology.yaml to a running server', () => {
    for (const [name, cluster] of Object.entries(topology.clusters)) {
      for (const node of [cluster.primary, ...cluster.replicas]) {
        const endpoint = endpoints[`${name}/${node.name}`];
        if (!endpoint) continue;
        expect(node).toMatchObject({ host: endpoint.host, port: endpoint.port });
        // The CA the runtime made travels with the endpoints, and the cluster's clients verify with it.
        if (endpoint.ca) expect(cluster.tls?.ca).toBe(endpoint.ca);
      }
    }
    expect(Object.keys(endpoints).length).toBeGreaterThan(0);
  });

  it('lets each service log in to its database with its own app login', async () => {
    for (const service of Object.values(topology.services)) {
      const cluster = topology.clusters[service.cluster]!;
      if (!endpoints[`${service.cluster}/${cluster.primary.name}`]) continue;
      const database = await withClient(
        {
          host: cluster.primary.host!,
          port: cluster.primary.port!,
          user: serviceCredentials(cluster, service, 'primary').user,
          password: serviceCredentials(cluster, service, 'primary').password,
          database: service.database,
          tls: cluster.tls,
        },
        async (client) => (await client.query<{ db: string }>('select current_database() as db')).rows[0]?.db,
      );
      expect(database).toBe(service.database);
    }
  });

  it('serves reads from the replicas, which are in recovery', async () => {
    const replicated = Object.entries(topology.clusters).filter(
      ([name, cluster]) => cluster.replicas.length > 0 && endpoints[`${name}/${cluster.primary.name}`],
    );
    for (const [name, cluster] of replicated) {
      for (const replica of cluster.replicas) {
        const inRecovery = await withClient(
          { host: replica.host!, port: replica.port!, ...admin[name]!, database: 'postgres' },
          async (client) => (await client.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]?.r,
        );
        expect(inRecovery).toBe(true);
      }
    }
  });
});
