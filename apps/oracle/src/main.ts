import { bootstrapService } from '@neo/data/nest';
import { createOracleApp } from './create-oracle-app.js';

/**
 * Starts the oracle service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3102 HOST=127.0.0.1 node apps/oracle/dist/main.js
 */
void bootstrapService({ name: 'oracle', defaultPort: 3102, createApp: ({ topology }) => createOracleApp({ topology }) });
