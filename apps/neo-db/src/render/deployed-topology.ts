/** The topology text as deployed containers read it (compose and Kubernetes). */
export function deployedTopologyYaml(topologyYaml: string): string {
  return withoutPasswordDefaults(withoutLocalTls(topologyYaml));
}

/**
 * Every `${CORE_DB_PASSWORD:-laptop default}` (clusters, roles, replication) becomes
 * `${CORE_DB_PASSWORD}`, so a container whose secret is missing fails at start instead of trying a
 * laptop password. The topology writes `${…}` only for passwords.
 */
function withoutPasswordDefaults(topologyYaml: string): string {
  return topologyYaml.replaceAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]*\}/g, (_match, variable: string) => `\${${variable}}`);
}

/**
 * `tls: {}` asks the topology runtime for a
 * local CA (what `npm start` runs); the servers of deploy/ are not started by it and make no such
 * CA, so a `tls` line without a `ca` is left out there, with its comment: those clusters connect
 * as their servers allow until the platform's CA is declared (`tls: { ca: … }`, kept as written).
 */
function withoutLocalTls(topologyYaml: string): string {
  const lines = topologyYaml.split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*tls:\s*\{\s*\}\s*(#.*)?$/.test(line)) {
      // Its comment block goes with it.
      while (kept.length > 0 && /^\s*#/.test(kept.at(-1)!) && indent(kept.at(-1)!) === indent(line)) kept.pop();
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}
