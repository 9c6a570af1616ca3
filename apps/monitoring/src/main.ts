import { bootstrapService } from '@neo/data/nest';
import { createMonitoringApp } from './create-monitoring-app.js';
import { DEFAULT_MONITORING_PORT, readMonitoringEnvironment } from './monitoring-environment.js';
import { retentionFromTopology } from './partitions/retention-settings.js';

/**
 * Starts the monitoring service (its partition job stops on shutdown, before the pools close):
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3104 HOST=127.0.0.1 node apps/monitoring/dist/main.js
 * With NEO_OPERATOR_TOKEN set, `POST /maintenance/partitions` takes `Authorization: Bearer <token>`; without it, it is off.
 */
void bootstrapService({
  name: 'monitoring',
  defaultPort: DEFAULT_MONITORING_PORT,
  createApp: ({ topology, declared, environment }) => {
    // retention as the topology declares it, unless MONITORING_* variables say otherwise
    const { retention } = readMonitoringEnvironment(process.env, retentionFromTopology(declared));
    return createMonitoringApp({ topology, retention, operatorToken: environment.operatorToken });
  },
});
