import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import getPort from 'get-port';
import { stringify } from 'yaml';
import { OBSERVE_BINARIES } from './observe-binaries.js';
import { spawnObserved, type ObservedProcess } from './observed-process.js';
import type { PrometheusConfig } from './scrape-config.js';

export interface PrometheusServer extends ObservedProcess {
  /** `http://127.0.0.1:<port>`: the UI, and the HTTP API under /api/v1. */
  readonly url: string;
  readonly configFile: string;
}

/** Writes the configuration into `workDir` and runs Prometheus with its data in `workDir/data`. */
export async function startPrometheus(config: PrometheusConfig, options: { workDir: string; port?: number }): Promise<PrometheusServer> {
  const configFile = join(options.workDir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const dataDir = join(options.workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const address = `127.0.0.1:${options.port ?? (await getPort())}`;
  const server = await spawnObserved({
    name: 'prometheus',
    command: OBSERVE_BINARIES.prometheus,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=${address}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    address,
    readyPath: '/-/ready',
    logFile: join(options.workDir, 'prometheus.log'),
  });
  return { ...server, url: `http://${address}`, configFile };
}
