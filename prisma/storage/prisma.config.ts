// Prisma CLI settings of the storage service: `npx prisma <command> --config prisma/storage/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
