import { updateJson, type Tree } from '@nx/devkit';
import { ServiceGeneratorError, type ServiceNames } from './service-options.js';

export const LOCAL_SERVICES_FILE = 'apps/neo-db/src/local-services.ts';
export const BUILD_TSCONFIG = 'tsconfig.build.json';
export const README = 'README.md';

const LOCAL_SERVICE_LINE = /^ {2}\{ topologyService: '([^']+)', app: '([^']+)', port: (\d+) \},$/gm;

/** The ports `neo-db up` gives the services already listed. */
export function takenPorts(tree: Tree): Map<string, number> {
  const text = tree.read(LOCAL_SERVICES_FILE, 'utf-8') ?? '';
  return new Map([...text.matchAll(LOCAL_SERVICE_LINE)].map((match) => [match[1] ?? '', Number(match[3])]));
}

/** Lists the service among those `neo-db up` (and so `npm start`) starts, on `port`. */
export function addLocalService(tree: Tree, names: ServiceNames, port: number): void {
  const text = tree.read(LOCAL_SERVICES_FILE, 'utf-8');
  const lines = text === null ? [] : [...text.matchAll(LOCAL_SERVICE_LINE)];
  const last = lines.at(-1);
  if (text === null || last?.index === undefined)
    throw new ServiceGeneratorError(`${LOCAL_SERVICES_FILE} has no list of local services to add to`);
  if (lines.some((line) => line[1] === names.name)) return;
  const owner = lines.find((line) => Number(line[3]) === port);
  if (owner) throw new ServiceGeneratorError(`port ${port} is taken by ${owner[1]}; pass another with --port`);
  const end = last.index + last[0].length;
  const entry = `\n  { topologyService: '${names.name}', app: '${names.name}', port: ${port} },`;
  tree.write(LOCAL_SERVICES_FILE, text.slice(0, end) + entry + text.slice(end));
}

/** `npm start` builds tsconfig.build.json: the new app joins its references. */
export function addBuildReference(tree: Tree, names: ServiceNames): void {
  updateJson(tree, BUILD_TSCONFIG, (json: { references: { path: string }[] }) => {
    const path = `apps/${names.name}`;
    if (!json.references.some((reference) => reference.path === path)) json.references.push({ path });
    return json;
  });
}

/** A row for the app in the README's table of projects, before the operator CLI's row. */
export function addReadmeRow(tree: Tree, names: ServiceNames, description: string): void {
  const text = tree.read(README, 'utf-8');
  if (text === null || text.includes(`| \`apps/${names.name}\``)) return;
  const anchor = text.indexOf('| `apps/neo-db`');
  if (anchor < 0) return;
  tree.write(README, `${text.slice(0, anchor)}| \`apps/${names.name}\` | ${description} |\n${text.slice(anchor)}`);
}
