import { readFile, writeFile, rm, chown } from 'node:fs/promises';
import getPort from 'get-port';
import { TopologyRuntimeError } from '../errors.js';
import type { ServerBinaries } from './postgres-binaries.js';
import { runProgram } from '../run-program.js';
import type { ServerOsUser } from './server-os-user.js';
import { discardLogLine } from '../log-line.js';

/** One PostgreSQL server process (primary or replica), driven by pg_ctl on its data directory. */
export interface PostgresServerOptions {
  dataDir: string;
  /** The port it should listen on; a taken port is replaced by a free one at start. */
  port: number;
  binaries: ServerBinaries;
  user: ServerOsUser | undefined;
  /** Roles that may connect over TCP without a password (their topology gives none). */
  trustUsers?: string[];
  /** false: no fsync (throwaway data; much faster on a busy disk). Default true. */
  durable?: boolean;
  /** With certificates: TLS on, and only TLS connections are accepted (`hostssl`). */
  tls?: { certFile: string; keyFile: string } | undefined;
  /** Settings of this server only, over the common ones (e.g. WAL archiving on a hot primary). */
  extraSettings?: Record<string, string | number>;
  /** pg_hba.conf lines of this server only, before the common ones (e.g. the socket pgBackRest uses). */
  extraHba?: string[];
  log?: (line: string) => void;
}

/** Settings every server of the runtime gets. */
export const SERVER_SETTINGS: Record<string, string | number> = {
  listen_addresses: "'127.0.0.1'",
  // TCP only: no socket files in /tmp to collide with other servers.
  unix_socket_directories: "''",
  // Logical replication is used to move a service out of the monolith.
  wal_level: 'logical',
  // Once every service took its writes, the monolith subscribes to each of their databases and
  // shards (one apply worker, slot and sender a link: 19 for the seed's eleven services with their
  // shards), and an initial copy adds table-sync workers with temporary slots.
  max_wal_senders: 40,
  max_replication_slots: 40,
  max_logical_replication_workers: 32,
  max_worker_processes: 40,
  // The replication launcher starts the apply worker of a subscription made soon after another
  // only after this pause (default 5 s), which a writes switch waits for; a standby also retries
  // its WAL source this often.
  wal_retrieve_retry_interval: "'1s'",
  hot_standby: 'on',
  // Replicas tell the primary which rows their queries still need, so vacuum does not cancel them.
  hot_standby_feedback: 'on',
  shared_preload_libraries: "'pg_stat_statements'",
  max_connections: 200,
  // Many servers share one small machine.
  shared_buffers: "'32MB'",
};

/**
 * `synchronous_commit` stays on: read-your-writes needs a returned commit to be covered by the
 * primary's WAL write position (and with fsync off it costs next to nothing).
 *
 * For data nobody keeps (test runs): a crash of the machine may corrupt it, a
 * crash of PostgreSQL does not. Creating databases and shutting down stop
 * waiting for the disk.
 */
export const NON_DURABLE_SETTINGS: Record<string, string> = {
  fsync: 'off',
  full_page_writes: 'off',
};

export class PostgresServer {
  port: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PostgresServerOptions) {
    this.port = options.port;
    this.log = options.log ?? discardLogLine;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  get logFile(): string {
    return `${this.options.dataDir}.log`;
  }

  /** Starts the server and waits until it accepts connections; a taken port is swapped for a free one. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.writeConfiguration();
      try {
        await runProgram(
          this.options.binaries.pgCtl,
          ['start', '--pgdata', this.dataDir, '--wait', '--timeout=120', '--silent', '--log', this.logFile],
          { user: this.options.user },
        );
        return;
      } catch (cause) {
        const logTail = await this.logTail();
        if (attempt < 5 && /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(logTail)) {
          const taken = this.port;
          this.port = await getPort();
          this.log(`port ${taken} was taken; ${this.dataDir} now listens on ${this.port}`);
          continue;
        }
        throw new TopologyRuntimeError(
          'RUNTIME_SERVER_START_FAILED',
          `PostgreSQL in ${this.dataDir} did not start on port ${this.port}. Its log (${this.logFile}) ends with:\n${logTail}`,
          { cause },
        );
      }
    }
  }

  /** Fast shutdown (running transactions are rolled back); a server that is not running is fine. */
  async stop(): Promise<void> {
    if (!(await this.isRunning())) return;
    await runProgram(this.options.binaries.pgCtl, ['stop', '--pgdata', this.dataDir, '--mode=fast', '--wait', '--timeout=60', '--silent'], {
      user: this.options.user,
    });
  }

  async isRunning(): Promise<boolean> {
    return isServerRunning(this.options.binaries, this.dataDir, this.options.user);
  }

  /** The postmaster's process id from postmaster.pid, if the server is up. */
  async postmasterPid(): Promise<number | undefined> {
    return readPostmasterPid(this.dataDir);
  }

  private async writeConfiguration(): Promise<void> {
    const tls = this.options.tls;
    const settings = {
      ...SERVER_SETTINGS,
      ...(this.options.durable === false ? NON_DURABLE_SETTINGS : {}),
      ...this.options.extraSettings,
      ...(tls
        ? { ssl: 'on', ssl_cert_file: `'${tls.certFile}'`, ssl_key_file: `'${tls.keyFile}'`, ssl_min_protocol_version: "'TLSv1.2'" }
        : {}),
      port: this.port,
    };
    // hostssl lines match TLS connections only: a plain-text connection finds no line and is refused.
    const host = tls ? 'hostssl' : 'host   ';
    const conf = Object.entries(settings)
      .map(([name, value]) => `${name} = ${value}`)
      .join('\n');
    await this.writeOwned(`${this.dataDir}/neo-runtime.conf`, `# Written by the topology runtime at every start.\n${conf}\n`);
    const trusted = (this.options.trustUsers ?? []).map(
      (user) => `${host} all             ${user}  127.0.0.1/32  trust\n${host} replication     ${user}  127.0.0.1/32  trust`,
    );
    await this.writeOwned(
      `${this.dataDir}/pg_hba.conf`,
      [
        '# Written by the topology runtime at every start. TCP on loopback only, passwords checked with SCRAM.',
        '# TYPE  DATABASE        USER   ADDRESS       METHOD',
        ...(this.options.extraHba ?? []),
        ...trusted,
        `${host} all             all    127.0.0.1/32  scram-sha-256`,
        `${host} replication     all    127.0.0.1/32  scram-sha-256`,
        '',
      ].join('\n'),
    );
  }

  private async writeOwned(file: string, content: string): Promise<void> {
    await writeFile(file, content, { mode: 0o600 });
    if (this.options.user) await chown(file, this.options.user.uid, this.options.user.gid);
  }

  private async logTail(): Promise<string> {
    try {
      return (await readFile(this.logFile, 'utf8')).split('\n').slice(-15).join('\n');
    } catch {
      return '(no log file)';
    }
  }
}

export async function isServerRunning(binaries: ServerBinaries, dataDir: string, user: ServerOsUser | undefined): Promise<boolean> {
  try {
    await runProgram(binaries.pgCtl, ['status', '--pgdata', dataDir], { user });
    return true;
  } catch {
    return false;
  }
}

export async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(`${dataDir}/postmaster.pid`, 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a postmaster.pid left by a server that no longer runs (postgres also checks, this keeps pg_ctl quiet). */
export async function removeStalePidFile(dataDir: string): Promise<void> {
  await rm(`${dataDir}/postmaster.pid`, { force: true });
}
