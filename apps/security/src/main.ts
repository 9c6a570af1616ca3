import { bootstrapService } from '@neo/data/nest';
import { createSecurityApp } from './create-security-app.js';

/**
 * Starts the security service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3106 HOST=127.0.0.1 node apps/security/dist/main.js
 */
void bootstrapService({ name: 'security', defaultPort: 3106, createApp: ({ topology }) => createSecurityApp({ topology }) });
