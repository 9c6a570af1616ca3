// Prisma CLI settings of the notification service: `npx prisma <command> --config prisma/notification/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
