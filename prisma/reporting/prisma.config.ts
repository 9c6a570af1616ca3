// Prisma CLI settings of the reporting service: `npx prisma <command> --config prisma/reporting/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
