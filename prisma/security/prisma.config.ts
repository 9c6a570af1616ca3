// Prisma CLI settings of the security service: `npx prisma <command> --config prisma/security/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
