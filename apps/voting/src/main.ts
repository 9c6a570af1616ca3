import { bootstrapService } from '@neo/data/nest';
import { createVotingApp } from './create-voting-app.js';

/**
 * Starts the voting service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3110 HOST=127.0.0.1 node apps/voting/dist/main.js
 */
void bootstrapService({ name: 'voting', defaultPort: 3110, createApp: ({ topology }) => createVotingApp({ topology }) });
