import { bootstrapService } from '@neo/data/nest';
import { createNotificationApp } from './create-notification-app.js';

/**
 * Starts the notification service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3108 HOST=127.0.0.1 node apps/notification/dist/main.js
 */
void bootstrapService({ name: 'notification', defaultPort: 3108, createApp: ({ topology }) => createNotificationApp({ topology }) });
