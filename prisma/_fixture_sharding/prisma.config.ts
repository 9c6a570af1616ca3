// Prisma CLI settings of the sharding test fixture: `npx prisma <command> --config prisma/_fixture_sharding/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
