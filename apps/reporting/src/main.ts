import { bootstrapService } from '@neo/data/nest';
import { createReportingApp } from './create-reporting-app.js';

/**
 * Starts the reporting service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3112 HOST=127.0.0.1 node apps/reporting/dist/main.js
 */
void bootstrapService({ name: 'reporting', defaultPort: 3112, createApp: ({ topology }) => createReportingApp({ topology }) });
