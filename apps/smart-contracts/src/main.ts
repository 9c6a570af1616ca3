import { bootstrapService } from '@neo/data/nest';
import { createSmartContractsApp } from './create-smart-contracts-app.js';

/**
 * Starts the smart-contracts service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3103 HOST=127.0.0.1 node apps/smart-contracts/dist/main.js
 */
void bootstrapService({
  name: 'smart-contracts',
  topologyService: 'smartcontracts',
  defaultPort: 3103,
  createApp: ({ topology }) => createSmartContractsApp({ topology }),
});
