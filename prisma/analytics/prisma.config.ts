// Prisma CLI settings of the analytics service: `npx prisma <command> --config prisma/analytics/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
