/**
 * A libpq connection string (`key=value` pairs, values optionally in single quotes with `\`
 * escapes) with `host` and `port` replaced, every other setting (user, application_name, TLS)
 * kept: how a replica is pointed at a new primary without knowing its replication password.
 */
export function withHostAndPort(conninfo: string, host: string, port: number): string {
  const pairs = parseConninfo(conninfo).filter(([key]) => key !== 'host' && key !== 'port' && key !== 'hostaddr');
  return [['host', host], ['port', String(port)], ...pairs].map(([key, value]) => `${key}=${quote(value)}`).join(' ');
}

export function parseConninfo(conninfo: string): [string, string][] {
  const pairs: [string, string][] = [];
  const pattern = /\s*([A-Za-z_]+)\s*=\s*('((?:\\.|[^'\\])*)'|[^\s']+)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(conninfo)) !== null) {
    const value = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2]!;
    pairs.push([match[1]!, value]);
  }
  return pairs;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
