import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LogLine } from '../log-line.js';
import type { RunningTopology } from '../topology-runtime.types.js';
import { EXPORTER_QUERIES_FILE, prometheusDeployDir, readRules, RULE_FILES, withAlertFor } from './deploy-files.js';
import { requireObserveBinaries } from './observe-binaries.js';
import type { ObservedProcess } from './observed-process.js';
import { startPostgresExporters } from './postgres-exporters.js';
import { PrometheusClient } from './prometheus-client.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { prometheusConfig, type ScrapedPgBouncer, type ScrapedService } from './scrape-config.js';

export interface ObservabilityOptions {
  /** Where the configuration, Prometheus' data and the logs go (kept after stop). */
  workDir: string;
  services?: readonly ScrapedService[];
  pgbouncers?: readonly ScrapedPgBouncer[];
  /** Default 15s; tests use 1s. */
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Replaces every alert's `for:` (tests); the rules of deploy/prometheus as they are otherwise. */
  alertFor?: string;
  /** Prometheus' port; a free one when absent. */
  prometheusPort?: number;
  log?: LogLine;
}

export interface RunningObservability {
  prometheus: PrometheusServer;
  client: PrometheusClient;
  /** postgres_exporter per server, keyed `<cluster>/<node>`. */
  exporters: ReadonlyMap<string, ObservedProcess>;
  stop(): Promise<void>;
}

/**
 * Prometheus and a postgres_exporter per server for a running topology (Debian's `prometheus`
 * and `prometheus-postgres-exporter`), with the scrape configuration generated from the topology
 * and the rules of deploy/prometheus. The services are scraped on their `/metrics`.
 */
export async function startObservability(running: RunningTopology, options: ObservabilityOptions): Promise<RunningObservability> {
  requireObserveBinaries();
  const log = options.log ?? (() => undefined);
  const deployDir = prometheusDeployDir();
  mkdirSync(options.workDir, { recursive: true });
  const queriesFile = join(options.workDir, EXPORTER_QUERIES_FILE);
  copyFileSync(join(deployDir, EXPORTER_QUERIES_FILE), queriesFile);
  const ruleFiles = RULE_FILES.map((name) => {
    const target = join(options.workDir, name);
    const rules = readRules(join(deployDir, name));
    writeFileSync(target, stringify(options.alertFor ? withAlertFor(rules, options.alertFor) : rules));
    return target;
  });

  const exporters = await startPostgresExporters(running, { workDir: options.workDir, queriesFile });
  const stopExporters = () => Promise.allSettled([...exporters.values()].map((exporter) => exporter.stop()));
  let prometheus: PrometheusServer;
  try {
    const config = prometheusConfig({
      topology: running.topology,
      services: options.services ?? [],
      exporters: Object.fromEntries([...exporters].map(([key, exporter]) => [key, exporter.address])),
      ...(options.pgbouncers ? { pgbouncers: options.pgbouncers } : {}),
      ruleFiles,
      ...(options.scrapeInterval ? { scrapeInterval: options.scrapeInterval } : {}),
      ...(options.evaluationInterval ? { evaluationInterval: options.evaluationInterval } : {}),
    });
    prometheus = await startPrometheus(config, {
      workDir: options.workDir,
      ...(options.prometheusPort ? { port: options.prometheusPort } : {}),
    });
  } catch (error) {
    await stopExporters();
    throw error;
  }
  log(`prometheus: ${prometheus.url} (config ${prometheus.configFile}), ${exporters.size} postgres exporters`);
  return {
    prometheus,
    client: new PrometheusClient(prometheus.url),
    exporters,
    stop: async () => {
      await prometheus.stop();
      await stopExporters();
    },
  };
}
