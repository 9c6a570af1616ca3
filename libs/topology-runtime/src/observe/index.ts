export { startObservability, type ObservabilityOptions, type RunningObservability } from './start-observability.js';
export {
  prometheusConfig,
  databaseOwners,
  SCRAPE_JOBS,
  type PrometheusConfig,
  type ScrapeConfigInput,
  type ScrapedService,
  type ScrapedPgBouncer,
} from './scrape-config.js';
export { PrometheusClient, type PromAlert, type PromSample } from './prometheus-client.js';
export { observeBinariesPresent, OBSERVE_BINARIES } from './observe-binaries.js';
export { readKeyMetrics, KEY_METRICS_SQL, type KeyMetrics, type DatabaseBackends, type StatementTiming } from './key-metrics.js';
