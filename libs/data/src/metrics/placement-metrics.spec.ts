import { describe, expect, it } from 'vitest';
import type { SidePlacement } from '../selection/connection-selector.js';
import { createMetricsRegistry } from './metrics-registry.js';
import { publishPlacement } from './placement-metrics.js';
import { collectProcessMetrics } from './process-metrics.js';

const placement = (writes: SidePlacement['writes'], reads: SidePlacement['reads']): SidePlacement =>
  ({ service: 'oracle', flags: {} as SidePlacement['flags'], writes, reads }) as SidePlacement;

describe('publishPlacement', () => {
  it('publishes where the flags place each service at scrape time, and stops when told', async () => {
    const registry = createMetricsRegistry('oracle');
    let current = placement('monolith', 'by-user');
    const stop = publishPlacement(registry, 'oracle', () => current);
    let text = await registry.metrics();
    expect(text).toMatch(/neo_data_side_placement\{service="oracle",kind="writes",side="monolith"\} 1/);
    expect(text).toMatch(/neo_data_side_placement\{service="oracle",kind="writes",side="service"\} 0/);
    expect(text).toMatch(/neo_data_side_placement\{service="oracle",kind="reads",side="by-user"\} 1/);
    current = placement('service', 'service');
    text = await registry.metrics();
    expect(text).toMatch(/neo_data_side_placement\{service="oracle",kind="writes",side="service"\} 1/);
    expect(text).toMatch(/neo_data_side_placement\{service="oracle",kind="reads",side="service"\} 1/);
    stop();
    expect(await registry.metrics()).not.toMatch(/neo_data_side_placement\{/);
  });
});

describe('collectProcessMetrics', () => {
  it('adds the process metrics once per registry, with the service label', async () => {
    const registry = createMetricsRegistry('oracle');
    collectProcessMetrics(registry);
    collectProcessMetrics(registry);
    const text = await registry.metrics();
    expect(text).toMatch(/process_resident_memory_bytes\{service="oracle"\} \d+/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds\{service="oracle"\}/);
  });
});
