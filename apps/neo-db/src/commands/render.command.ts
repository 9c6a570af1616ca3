import { join } from 'node:path';
import { diffDeploy, renderDeploy, writeDeploy } from '../render/render-deploy.js';
import { NeoDbError } from '../neo-db.error.js';
import type { WorkspacePaths } from '../workspace-paths.js';

/**
 * `neo-db render [--check]`: writes deploy/compose and deploy/k8s from the topology; with
 * --check, writes nothing and exits 1 naming every file that differs from a fresh render.
 */
export async function renderCommand(
  values: { check?: boolean | undefined },
  positionals: string[],
  paths: WorkspacePaths,
  log: (line: string) => void,
): Promise<number> {
  if (positionals.length > 0) throw new NeoDbError(`neo-db render takes no arguments (got ${positionals.join(' ')})`, 'usage');
  const deployDir = join(paths.root, 'deploy');
  const rendered = await renderDeploy({ topologyFile: paths.topologyFile, flagsFile: paths.declaredFlagsFile });
  const differing = await diffDeploy(deployDir, rendered);
  if (values.check) {
    if (differing.length === 0) {
      log(`render: deploy/ matches ${paths.topologyFile} (${rendered.size} files)`);
      return 0;
    }
    log(`render: ${differing.length} file(s) under deploy/ differ from a fresh render; run neo-db render and commit them:`);
    for (const path of differing) log(`  ${path}`);
    return 1;
  }
  await writeDeploy(deployDir, rendered);
  log(`render: ${rendered.size} files under deploy/compose and deploy/k8s, ${differing.length} changed`);
  return 0;
}
