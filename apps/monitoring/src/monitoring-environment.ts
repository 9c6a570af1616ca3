import { readServiceEnvironment, type ServiceEnvironment } from '@neo/data/nest';
import type { PartitionInterval } from '@neo/data/partitioning';
import { DEFAULT_RETENTION, type RetentionSettings } from './partitions/retention-settings.js';

export const DEFAULT_MONITORING_PORT = 3104;

export interface MonitoringEnvironment extends ServiceEnvironment {
  /**
   * `MONITORING_RETENTION_DAYS` (30), `MONITORING_PARTITION_INTERVAL` (day | month),
   * `MONITORING_PARTITIONS_AHEAD` (3), `MONITORING_MAINTENANCE_INTERVAL_MS` (1 hour).
   */
  retention: RetentionSettings;
}

/**
 * Reads the service's settings from the environment; a bad value is refused with its name.
 * Retention variables override `retentionDefaults` (the topology's declared partitioning).
 */
export function readMonitoringEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  retentionDefaults: RetentionSettings = DEFAULT_RETENTION,
): MonitoringEnvironment {
  return {
    ...readServiceEnvironment(env, { defaultPort: DEFAULT_MONITORING_PORT }),
    retention: {
      retentionDays: readInteger(env, 'MONITORING_RETENTION_DAYS', retentionDefaults.retentionDays, 1, 36_500),
      interval: readInterval(env.MONITORING_PARTITION_INTERVAL, retentionDefaults.interval),
      partitionsAhead: readInteger(env, 'MONITORING_PARTITIONS_AHEAD', retentionDefaults.partitionsAhead, 0, 366),
      maintenanceIntervalMs: readInteger(
        env,
        'MONITORING_MAINTENANCE_INTERVAL_MS',
        retentionDefaults.maintenanceIntervalMs,
        1_000,
        7 * 86_400_000,
      ),
    },
  };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function readInterval(value: string | undefined, fallback: PartitionInterval): PartitionInterval {
  if (value === undefined || value === '') return fallback;
  if (value === 'day' || value === 'month') return value;
  throw new Error(`MONITORING_PARTITION_INTERVAL must be "day" or "month", got ${JSON.stringify(value)}`);
}
