export * from './metrics-registry.js';
export * from './data-metrics.js';
