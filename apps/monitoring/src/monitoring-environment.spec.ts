import { loadTopology } from '@neo/topology';
import { describe, expect, it } from 'vitest';
import { readMonitoringEnvironment } from './monitoring-environment.js';
import { DEFAULT_RETENTION, retentionFromTopology } from './partitions/retention-settings.js';

describe('readMonitoringEnvironment', () => {
  it('defaults to port 3104 and the default retention', () => {
    const environment = readMonitoringEnvironment({});
    expect(environment.port).toBe(3104);
    expect(environment.retention).toEqual(DEFAULT_RETENTION);
  });

  it('reads the retention settings', () => {
    const environment = readMonitoringEnvironment({
      MONITORING_RETENTION_DAYS: '90',
      MONITORING_PARTITION_INTERVAL: 'month',
      MONITORING_PARTITIONS_AHEAD: '2',
      MONITORING_MAINTENANCE_INTERVAL_MS: '60000',
    });
    expect(environment.retention).toEqual({ retentionDays: 90, interval: 'month', partitionsAhead: 2, maintenanceIntervalMs: 60_000 });
  });

  it.each([
    ['MONITORING_RETENTION_DAYS', '0'],
    ['MONITORING_RETENTION_DAYS', 'ten'],
    ['MONITORING_PARTITION_INTERVAL', 'week'],
    ['PORT', '70000'],
  ])('refuses %s=%j naming it', (name, value) => {
    expect(() => readMonitoringEnvironment({ [name]: value })).toThrow(name);
  });
});

describe('retention from the topology', () => {
  it('takes the declared partitioning of metric_samples, and lets MONITORING_* variables override it', () => {
    const topology = loadTopology({ path: new URL('../../../config/topology.yaml', import.meta.url).pathname });
    const declared = retentionFromTopology(topology);
    expect(declared).toMatchObject({ retentionDays: 30, interval: 'day', partitionsAhead: 3 });
    const withShorterRetention = {
      ...topology,
      services: {
        ...topology.services,
        monitoring: {
          ...topology.services['monitoring']!,
          partitioning: [
            { table: 'metric_samples', column: 'recorded_at', interval: 'month' as const, retentionDays: 400, partitionsAhead: 2 },
          ],
        },
      },
    };
    expect(retentionFromTopology(withShorterRetention)).toMatchObject({ retentionDays: 400, interval: 'month', partitionsAhead: 2 });
    expect(readMonitoringEnvironment({ MONITORING_RETENTION_DAYS: '7' }, declared).retention).toMatchObject({
      retentionDays: 7,
      interval: 'day',
      partitionsAhead: 3,
    });
  });
});
