import type { Credentials, Topology } from '@neo/topology';

/**
 * The login partition DDL runs as. Creating and dropping partitions is DDL, which the service's
 * app role may not run: with declared roles it is the service's owner role; without, the data
 * source's own login (undefined).
 */
export const PARTITION_LOGIN = Symbol('PARTITION_LOGIN');

export type PartitionLogin = Credentials | undefined;

export function partitionLoginFromTopology(topology: Topology, service: string): PartitionLogin {
  return topology.services[service]?.roles?.owner;
}
