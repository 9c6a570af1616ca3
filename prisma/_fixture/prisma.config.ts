// Prisma CLI settings of the migrations test fixture: `npx prisma <command> --config prisma/_fixture/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
