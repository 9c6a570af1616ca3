import { bootstrapService } from '@neo/data/nest';
import { createKeymanagementApp } from './create-keymanagement-app.js';

/**
 * Starts the keymanagement service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3105 HOST=127.0.0.1 node apps/keymanagement/dist/main.js
 */
void bootstrapService({ name: 'keymanagement', defaultPort: 3105, createApp: ({ topology }) => createKeymanagementApp({ topology }) });
