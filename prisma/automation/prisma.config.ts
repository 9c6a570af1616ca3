// Prisma CLI settings of the automation service: `npx prisma <command> --config prisma/automation/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
