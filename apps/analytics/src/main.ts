import { bootstrapService } from '@neo/data/nest';
import { createAnalyticsApp } from './create-analytics-app.js';

/**
 * Starts the analytics service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3111 HOST=127.0.0.1 node apps/analytics/dist/main.js
 */
void bootstrapService({ name: 'analytics', defaultPort: 3111, createApp: ({ topology }) => createAnalyticsApp({ topology }) });
