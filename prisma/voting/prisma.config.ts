// Prisma CLI settings of the voting service: `npx prisma <command> --config prisma/voting/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
