// Where the Prisma schemas of this workspace live, and how to run the Prisma CLI offline.
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A failure the user can fix; command lines print its message without a stack trace. */
export class PrismaToolError extends Error {}

export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultPrismaRoot = join(workspaceRoot, 'prisma');

/**
 * Every `prisma/<service>/schema.prisma` (with the `prisma.config.ts` beside it), sorted by service name. Folders starting with
 * `_` or `.` (test fixtures) are left out unless `includeFixtures` is set.
 */
export async function listPrismaServices({ prismaRoot = defaultPrismaRoot, includeFixtures = false } = {}) {
  const entries = await readdir(prismaRoot, { withFileTypes: true }).catch((error) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const services = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    if (!includeFixtures && /^[_.]/.test(entry.name)) continue;
    const dir = join(prismaRoot, entry.name);
    const schemaPath = join(dir, 'schema.prisma');
    if (await isFile(schemaPath)) services.push({ name: entry.name, schemaPath, dir, configPath: join(dir, 'prisma.config.ts') });
  }
  return services.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The schemas named on a command line, or all of them (test fixtures included: their tests need
 * their clients too); an unknown name is refused with the known ones.
 */
export async function selectPrismaServices(names, { prismaRoot = defaultPrismaRoot } = {}) {
  const all = await listPrismaServices({ prismaRoot, includeFixtures: true });
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((service) => service.name === name);
    if (!found) {
      const known = all.map((service) => service.name).join(', ') || '(none)';
      throw new PrismaToolError(
        `No Prisma schema for service "${name}": expected ${join(prismaRoot, name, 'schema.prisma')}. Known services: ${known}.`,
      );
    }
    return found;
  });
}

/** The Prisma CLI entry point, run with the current Node so npm scripts use the workspace's Node 24. */
export function prismaCliPath() {
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve('prisma/package.json');
  const { bin } = require('prisma/package.json');
  return join(dirname(packageJsonPath), typeof bin === 'string' ? bin : bin.prisma);
}

/**
 * Every Prisma CLI command first downloads a native schema engine from a host that may be
 * unreachable; pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable skips that download.
 * `generate` never runs the engine, so the stub only explains itself and fails if something does.
 * Returns the environment to run the CLI with and a cleanup function.
 */
export async function offlinePrismaEnvironment(baseEnv = process.env) {
  const env = { ...baseEnv, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  if (baseEnv.PRISMA_SCHEMA_ENGINE_BINARY) return { env, cleanup: async () => {} };
  const stubDir = await mkdtemp(join(tmpdir(), 'neo-prisma-engine-stub-'));
  const stubPath = join(stubDir, 'schema-engine');
  await writeFile(
    stubPath,
    '#!/bin/sh\necho "The native Prisma schema engine is not installed in this workspace; create migrations with npm run prisma:migrate:create." >&2\nexit 1\n',
  );
  await chmod(stubPath, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = stubPath;
  return { env, cleanup: () => rm(stubDir, { recursive: true, force: true }) };
}

/**
 * Node 24 warns that importing a WebAssembly module is experimental each time Prisma's schema
 * engine loads; the warning says nothing actionable to someone creating a migration. Every
 * other warning is still printed.
 */
export function hideWasmImportWarning() {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && /WebAssembly module/.test(warning.message)) return;
    for (const print of printers) print(warning);
  });
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
