// Prisma CLI settings of the oracle service: `npx prisma <command> --config prisma/oracle/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
