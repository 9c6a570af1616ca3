/**
 * Reads the two connection-string forms people paste into a topology: Npgsql's
 * `Host=..;Port=..;Database=..;Username=..;Password=..` (the .NET services' appsettings)
 * and `postgres://user:password@host:port/database` URLs.
 *
 * Hand-written because no maintained npm package reads Npgsql strings; URLs go through
 * the WHATWG `URL` parser. Failures never echo the input: it may hold a password.
 */

export interface ConnectionParts {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string; hint: string };

const NPGSQL_KEYS: Record<string, keyof ConnectionParts> = {
  host: 'host',
  server: 'host',
  port: 'port',
  database: 'database',
  db: 'database',
  username: 'user',
  'user name': 'user',
  'user id': 'user',
  userid: 'user',
  user: 'user',
  uid: 'user',
  password: 'password',
  psw: 'password',
  pwd: 'password',
};

const FORMS_HINT =
  'write "Host=<host>;Port=<port>;Database=<db>;Username=<user>;Password=<password>" or "postgres://<user>:<password>@<host>:<port>/<db>"';

export function parseConnectionString(text: string): ParseResult<ConnectionParts> {
  const trimmed = text.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgresUrl(trimmed);
  if (trimmed.includes('=')) return parseNpgsql(trimmed);
  return { ok: false, problem: 'is not a connection string', hint: FORMS_HINT };
}

function parsePostgresUrl(text: string): ParseResult<ConnectionParts> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'is not a valid postgres:// URL', hint: `${FORMS_HINT}; URL-encode special characters in the password` };
  }
  const parts: ConnectionParts = {};
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host) parts.host = decodeURIComponent(host);
  if (url.port) parts.port = Number(url.port);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database) parts.database = database;
  if (url.username) parts.user = decodeURIComponent(url.username);
  if (url.password) parts.password = decodeURIComponent(url.password);
  return { ok: true, value: parts };
}

function parseNpgsql(text: string): ParseResult<ConnectionParts> {
  const pairs = splitNpgsqlPairs(text);
  if (!pairs.ok) return pairs;
  const parts: ConnectionParts = {};
  for (const [rawKey, value] of pairs.value) {
    const key = NPGSQL_KEYS[rawKey.trim().toLowerCase().replace(/\s+/g, ' ')];
    // Other Npgsql settings (Pooling, SSL Mode, Timeout…) have their own place in the topology.
    if (key === undefined) continue;
    if (key === 'port') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
        return { ok: false, problem: 'has a Port that is not a number from 1 to 65535', hint: 'write e.g. "Port=5432"' };
      }
      parts.port = Number(value);
    } else if (key === 'host') {
      if (value.includes(',')) {
        return { ok: false, problem: 'names several hosts in Host', hint: 'give one host per connection string; list replicas separately' };
      }
      parts.host = value;
    } else {
      parts[key] = value;
    }
  }
  return { ok: true, value: parts };
}

/** Splits `a=1;b="x;y";c='it''s'` into pairs, honouring quotes the way Npgsql does. */
function splitNpgsqlPairs(text: string): ParseResult<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const semi = text.indexOf(';', i);
    if (eq === -1 || (semi !== -1 && semi < eq)) {
      const rest = text.slice(i, semi === -1 ? text.length : semi);
      if (rest.trim() !== '') return { ok: false, problem: 'has a part without "="', hint: FORMS_HINT };
      i = semi === -1 ? text.length : semi + 1;
      continue;
    }
    const key = text.slice(i, eq);
    let j = eq + 1;
    while (text[j] === ' ') j++;
    let value = '';
    const quote = text[j];
    if (quote === '"' || quote === "'") {
      j++;
      for (;;) {
        if (j >= text.length)
          return { ok: false, problem: 'has an unclosed quote', hint: 'close the quoted value; write a quote inside it twice' };
        if (text[j] === quote) {
          if (text[j + 1] === quote) {
            value += quote;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value += text[j];
        j++;
      }
      while (text[j] === ' ') j++;
      if (j < text.length && text[j] !== ';')
        return { ok: false, problem: 'has text after a quoted value', hint: 'end a quoted value with ";"' };
    } else {
      const end = text.indexOf(';', j);
      value = text.slice(j, end === -1 ? text.length : end).trim();
      j = end === -1 ? text.length : end;
    }
    pairs.push([key, value]);
    i = j + 1;
  }
  return { ok: true, value: pairs };
}
