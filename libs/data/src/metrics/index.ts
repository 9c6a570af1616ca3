export * from './metrics-registry.js';
export * from './data-metrics.js';
export { nodeMetricLabels } from './node-metric-labels.js';
