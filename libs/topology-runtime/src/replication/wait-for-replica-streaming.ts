import { setTimeout as sleep } from 'node:timers/promises';
import { TopologyRuntimeError } from '../errors.js';
import { connect, type ProvisionTarget } from '../provisioning/provision-cluster.js';

/**
 * Waits until the primary lists every named replica (its `application_name`)
 * in pg_stat_replication with state `streaming`.
 */
export async function waitForReplicaStreaming(
  primary: ProvisionTarget,
  applicationNames: string[],
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  if (applicationNames.length === 0) return;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const client = await connect(primary, 'postgres');
  try {
    let streaming = new Set<string>();
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ application_name: string }>(
        "select application_name from pg_stat_replication where state = 'streaming'",
      );
      streaming = new Set(rows.map((row) => row.application_name));
      if (applicationNames.every((name) => streaming.has(name))) return;
      await sleep(options.pollMs ?? 50);
    }
    const missing = applicationNames.filter((name) => !streaming.has(name));
    throw new TopologyRuntimeError(
      'RUNTIME_REPLICA_NOT_STREAMING',
      `The replica(s) ${missing.join(', ')} did not start streaming from the primary at ${primary.host}:${primary.port} in time. ` +
        "Look at the replica's server log next to its data directory.",
    );
  } finally {
    await client.end();
  }
}
