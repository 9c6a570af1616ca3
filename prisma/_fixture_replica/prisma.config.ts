// Prisma CLI settings of the replica-set test fixture: `npx prisma <command> --config prisma/_fixture_replica/prisma.config.ts`.
import { serviceConfig } from '../service-config.js';

export default serviceConfig();
