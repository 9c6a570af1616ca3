// Runs after `npm install` / `npm ci`: generates every service's Prisma client, offline.
// Generated clients are not committed, so a fresh clone needs this step before anything builds.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const prismaCli = fileURLToPath(new URL('../../node_modules/prisma/package.json', import.meta.url));

if (!existsSync(prismaCli)) {
  // An install without dev dependencies has no Prisma CLI; clients then come from a build step elsewhere.
  console.log('postinstall: the prisma package is not installed, skipping client generation.');
} else {
  const { generatePrismaClients } = await import('../prisma/generate.mjs');
  const { PrismaToolError } = await import('../prisma/prisma-workspace.mjs');
  try {
    await generatePrismaClients({ log: (line) => console.log(`postinstall: ${line}`) });
  } catch (error) {
    console.error(error instanceof PrismaToolError ? error.message : error);
    process.exit(1);
  }
}
