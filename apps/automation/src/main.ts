import { bootstrapService } from '@neo/data/nest';
import { createAutomationApp } from './create-automation-app.js';

/**
 * Starts the automation service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3109 HOST=127.0.0.1 node apps/automation/dist/main.js
 */
void bootstrapService({ name: 'automation', defaultPort: 3109, createApp: ({ topology }) => createAutomationApp({ topology }) });
