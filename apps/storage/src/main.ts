import { bootstrapService } from '@neo/data/nest';
import { createStorageApp } from './create-storage-app.js';

/**
 * Starts the storage service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3101 HOST=127.0.0.1 node apps/storage/dist/main.js
 */
void bootstrapService({ name: 'storage', defaultPort: 3101, createApp: ({ topology }) => createStorageApp({ topology }) });
