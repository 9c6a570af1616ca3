import { existsSync } from 'node:fs';
import { TopologyRuntimeError } from '../errors.js';

/** Where Debian's `prometheus` and `prometheus-postgres-exporter` packages put their programs. */
export const OBSERVE_BINARIES = {
  prometheus: process.env['NEO_PROMETHEUS_BIN'] ?? '/usr/bin/prometheus',
  promtool: process.env['NEO_PROMTOOL_BIN'] ?? '/usr/bin/promtool',
  postgresExporter: process.env['NEO_POSTGRES_EXPORTER_BIN'] ?? '/usr/bin/prometheus-postgres-exporter',
} as const;

/** True when Prometheus and the exporter are installed. */
export function observeBinariesPresent(): boolean {
  return existsSync(OBSERVE_BINARIES.prometheus) && existsSync(OBSERVE_BINARIES.postgresExporter);
}

/** Fails with what to install when a program is missing. */
export function requireObserveBinaries(): void {
  const missing = Object.entries({
    prometheus: OBSERVE_BINARIES.prometheus,
    'prometheus-postgres-exporter': OBSERVE_BINARIES.postgresExporter,
  })
    .filter(([, path]) => !existsSync(path))
    .map(([pkg, path]) => `${path} (Debian package ${pkg})`);
  if (missing.length > 0) {
    throw new TopologyRuntimeError(
      'RUNTIME_BINARIES_MISSING',
      `Monitoring needs ${missing.join(' and ')}: install with \`apt-get install -y prometheus prometheus-postgres-exporter\`, or set NEO_PROMETHEUS_BIN / NEO_POSTGRES_EXPORTER_BIN`,
    );
  }
}
