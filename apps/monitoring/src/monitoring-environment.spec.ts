import { describe, expect, it } from 'vitest';
import { readMonitoringEnvironment } from './monitoring-environment.js';
import { DEFAULT_RETENTION } from './partitions/retention-settings.js';

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
