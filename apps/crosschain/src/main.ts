import { bootstrapService } from '@neo/data/nest';
import { createCrosschainApp } from './create-crosschain-app.js';

/**
 * Starts the crosschain service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3107 HOST=127.0.0.1 node apps/crosschain/dist/main.js
 */
void bootstrapService({ name: 'crosschain', defaultPort: 3107, createApp: ({ topology }) => createCrosschainApp({ topology }) });
