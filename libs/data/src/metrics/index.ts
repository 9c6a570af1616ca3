export * from './metrics-registry.js';
export * from './data-metrics.js';
export { nodeMetricLabels } from './node-metric-labels.js';
export { collectProcessMetrics } from './process-metrics.js';
export { publishPlacement } from './placement-metrics.js';
