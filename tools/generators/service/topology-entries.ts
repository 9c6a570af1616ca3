import type { Tree } from '@nx/devkit';
import { isMap, parseDocument } from 'yaml';
import { ServiceGeneratorError, type ServiceNames } from './service-options.js';

export const TOPOLOGY_FILE = 'config/topology.yaml';
export const FLAGS_FILE = 'config/flags.yaml';

/**
 * Declares the service in config/topology.yaml (its cluster and database) unless it is declared
 * already, keeping the file's comments. An unknown cluster is refused with the known ones.
 * Returns the cluster the topology gives the service.
 */
export function addTopologyEntry(tree: Tree, names: ServiceNames, cluster: string): string {
  const document = parseDocument(readText(tree, TOPOLOGY_FILE));
  const clusters = document.get('clusters');
  const known = isMap(clusters) ? clusters.items.map((item) => String(item.key)) : [];
  if (!known.includes(cluster)) {
    throw new ServiceGeneratorError(
      `cluster ${JSON.stringify(cluster)} is not declared in ${TOPOLOGY_FILE}; use one of: ${known.join(', ')}`,
    );
  }
  const declared = document.getIn(['services', names.name]);
  if (isMap(declared)) {
    const declaredCluster = String(declared.get('cluster'));
    if (declaredCluster !== cluster) {
      throw new ServiceGeneratorError(
        `${TOPOLOGY_FILE} already declares service "${names.name}" on cluster "${declaredCluster}", not "${cluster}": pass --cluster ${declaredCluster}`,
      );
    }
    return declaredCluster;
  }
  document.setIn(['services', names.name], document.createNode({ cluster, database: names.database }));
  tree.write(TOPOLOGY_FILE, document.toString({ lineWidth: 0 }));
  return cluster;
}

/** Adds the service's `UseShardedDatabase.<name>.reads|writes` flags to config/flags.yaml, on the monolith, unless present. */
export function addFlagEntries(tree: Tree, names: ServiceNames): void {
  const document = parseDocument(readText(tree, FLAGS_FILE));
  const reads = `UseShardedDatabase.${names.name}.reads`;
  const writes = `UseShardedDatabase.${names.name}.writes`;
  let changed = false;
  if (!document.hasIn(['flags', reads])) {
    const node = document.createNode({ rollout: 0 });
    node.flow = true;
    document.setIn(['flags', reads], node);
    changed = true;
  }
  if (!document.hasIn(['flags', writes])) {
    document.setIn(['flags', writes], false);
    changed = true;
  }
  if (changed) tree.write(FLAGS_FILE, document.toString({ lineWidth: 0 }));
}

function readText(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new ServiceGeneratorError(`${path} is missing: run the generator at the workspace root`);
  return text;
}
