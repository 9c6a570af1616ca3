import type { PgBouncerLauncher } from './pgbouncer/pgbouncer-process.js';
import type { LocalCertificates } from './provisioning/tls-certificates.js';
import type { AdminAccess, Endpoints } from './topology-runtime.types.js';

/** What a provider hands back before the topology is bound: where nodes listen and how to stop them. */
export interface ProviderRun {
  endpoints: Endpoints;
  admin: Record<string, AdminAccess>;
  dataDir?: string;
  /** External: database renames (`neo_storage` → `<prefix>neo_storage`). */
  databaseNames?: Record<string, string>;
  /** External: credentials per cluster that replace the topology's. */
  credentials?: Record<string, { user: string; password?: string }>;
  /** External: the topology's service and replication roles were made on the servers, so clients keep logging in as them. */
  rolesMade?: boolean;
  /** Embedded: the CA that clients of each TLS cluster verify its servers with. */
  tls?: Record<string, { ca: string }>;
  /** Embedded: the local servers' certificate, which a local PgBouncer presents to its clients too. */
  serverCertificates?: LocalCertificates;
  /** External: clusters whose replicas are not available. */
  withoutReplicas?: string[];
  /** Testcontainers: starts PgBouncers in containers beside the servers (else PgBouncer runs as a local program). */
  launchPgBouncer?: PgBouncerLauncher;
  stopNode(cluster: string, node: string): Promise<void>;
  startNode(cluster: string, node: string): Promise<void>;
  /** Embedded: see `RunningTopology.rejoinAsReplica`. */
  rejoinAsReplica?(cluster: string, node: string, primary: string): Promise<void>;
  /** Embedded: see `RunningTopology.recordPrimary`. */
  recordPrimary?(cluster: string, node: string): Promise<void>;
  stop(): Promise<void>;
}
