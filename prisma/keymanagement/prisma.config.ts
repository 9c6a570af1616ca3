// Prisma CLI settings of the keymanagement service: `npx prisma <command> --config prisma/keymanagement/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
