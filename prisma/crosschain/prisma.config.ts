// Prisma CLI settings of the crosschain service: `npx prisma <command> --config prisma/crosschain/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
