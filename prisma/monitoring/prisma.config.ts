// Prisma CLI settings of the monitoring service: `npx prisma <command> --config prisma/monitoring/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
