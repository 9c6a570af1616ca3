import { toPgPoolConfig, type DataNode, type ReadSettings } from '@neo/topology';
import { LagMonitor } from './lag-monitor.js';
import { PgLagProbe } from './pg-lag-probe.js';

/** `core/core-primary`: a server, whichever of its databases a client uses. Safe for logs. */
export function serverLabel(node: Pick<DataNode, 'cluster' | 'node'>): string {
  return `${node.cluster}/${node.node}`;
}

/** A replica set's use of a shared monitor; `release` when the set closes. */
export interface LagMonitorLease {
  readonly monitor: LagMonitor;
  release(): Promise<void>;
}

interface SharedMonitor {
  readonly monitor: LagMonitor;
  users: number;
}

/**
 * One lag monitor per set of servers, shared by every replica set on them. WAL positions belong to
 * a server, not to a database, so the databases of one cluster (a service's shards, both layouts
 * while a reshard runs) need one poll of each server per interval, not one per database: with four
 * shards on a primary and two replicas that is 3 statements and 3 connections per interval instead
 * of 12 of each. The monitor labels nodes by server (`serverLabel`), polls with the connection
 * settings of the set that asked first (any database of the server answers the same), and stops
 * when the last set using it releases it. Sets with other poll settings get a monitor of their own.
 */
export class SharedLagMonitors {
  private readonly monitors = new Map<string, SharedMonitor>();

  acquire(
    primary: DataNode,
    replicas: readonly DataNode[],
    reads: Pick<ReadSettings, 'lagPollIntervalMs' | 'maxLagMs'>,
    probeTimeoutMs: number,
  ): LagMonitorLease {
    const servers = [primary, ...replicas].map((node) => [serverLabel(node), node.host, node.port]);
    const key = JSON.stringify([servers, reads.lagPollIntervalMs, reads.maxLagMs, probeTimeoutMs]);
    let shared = this.monitors.get(key);
    if (!shared) {
      const probeFor = (node: DataNode) => ({ label: serverLabel(node), probe: new PgLagProbe(toPgPoolConfig(node), probeTimeoutMs) });
      const monitor = new LagMonitor({
        primary: probeFor(primary),
        replicas: replicas.map(probeFor),
        intervalMs: reads.lagPollIntervalMs,
        maxLagMs: reads.maxLagMs,
      });
      shared = { monitor, users: 0 };
      this.monitors.set(key, shared);
    }
    shared.users++;
    const used = shared;
    let released = false;
    return {
      monitor: used.monitor,
      release: async () => {
        if (released) return;
        released = true;
        if (--used.users > 0) return;
        if (this.monitors.get(key) === used) this.monitors.delete(key);
        await used.monitor.stop();
      },
    };
  }
}
