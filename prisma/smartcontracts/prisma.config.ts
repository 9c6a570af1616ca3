// Prisma CLI settings of the smartcontracts service: `npx prisma <command> --config prisma/smartcontracts/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
