import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatFiles, generateFiles, type GeneratorCallback, type Tree } from '@nx/devkit';
import { serviceNames, ServiceGeneratorError, type ServiceGeneratorOptions } from './service-options.js';
import { addFlagEntries, addTopologyEntry } from './topology-entries.js';
import { addBuildReference, addLocalService, addReadmeRow, takenPorts } from './workspace-entries.js';

/** The first port of the services `npm start` runs; a new one takes the next above those taken. */
const FIRST_SERVICE_PORT = 3101;

/**
 * `nx g @neo/tools:service <name> --cluster <cluster>`: a NestJS service that builds, starts with
 * `npm start` and passes its own tests. It writes
 * - apps/<name>: the app (DataModule, health, metrics, a starting `items` feature to replace),
 *   its Nx project, tsconfig, vitest config, and tests on both sides (own database and monolith);
 * - prisma/<name>: its schema, Prisma CLI settings and, after the files are written, its first
 *   migration (made with tools/prisma/create-migration.mjs, which also generates the client);
 * - its entries in config/topology.yaml and config/flags.yaml (unless there already),
 *   tsconfig.build.json, neo-db's list of local services (its port) and the README's table.
 */
export default async function serviceGenerator(tree: Tree, options: ServiceGeneratorOptions): Promise<GeneratorCallback> {
  const names = serviceNames(options.name);
  if (tree.exists(`apps/${names.name}`) || tree.exists(`prisma/${names.name}`)) {
    throw new ServiceGeneratorError(`apps/${names.name} or prisma/${names.name} exists already: choose another name`);
  }
  const cluster = addTopologyEntry(tree, names, options.cluster);
  const ports = takenPorts(tree);
  const port = options.port ?? Math.max(FIRST_SERVICE_PORT - 1, ...ports.values()) + 1;

  const substitutions = { ...names, cluster, port, tmpl: '' };
  generateFiles(tree, join(import.meta.dirname, 'files'), `apps/${names.name}`, substitutions);
  generateFiles(tree, join(import.meta.dirname, 'prisma-files'), `prisma/${names.name}`, substitutions);
  addFlagEntries(tree, names);
  addLocalService(tree, names, port);
  addBuildReference(tree, names);
  addReadmeRow(tree, names, options.description ?? `the ${names.name} service (${cluster} cluster) — port ${port}`);
  await formatFiles(tree);

  return () => {
    if (options.skipMigration) return;
    // After the files are on disk: the migration tool reads prisma/<name>/schema.prisma from there.
    execFileSync(process.execPath, ['tools/prisma/create-migration.mjs', names.name, 'init'], { cwd: tree.root, stdio: 'inherit' });
  };
}
