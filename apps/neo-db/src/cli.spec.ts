import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology } from '@neo/data';
import getPort from 'get-port';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { COMMANDS } from './command-usage.js';
import { capturedOutput, endpointsOfStoppedServers } from './test-support/cli-io.js';
import { workspacePaths, type WorkspacePaths } from './workspace-paths.js';

describe('neo-db command line', () => {
  let dir: string;
  let paths: WorkspacePaths;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'neo-db-cli-'));
    paths = workspacePaths(undefined, { NEO_DATA_DIR: join(dir, 'data') });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(COMMANDS.map((command) => command.name))('`neo-db %s --help` prints that command’s usage', async (name) => {
    const io = capturedOutput();
    expect(await runCli([name, '--help'], io, paths)).toBe(0);
    expect(io.stdout).toContain(`usage: neo-db ${name}`);
    expect(io.stderr).toBe('');
  });

  it('lists every command with `neo-db --help`, and shows one with `neo-db help <command>`', async () => {
    const io = capturedOutput();
    expect(await runCli(['--help'], io, paths)).toBe(0);
    for (const command of COMMANDS) expect(io.stdout).toContain(`  ${command.name} `);
    const one = capturedOutput();
    expect(await runCli(['help', 'switch-reads'], one, paths)).toBe(0);
    expect(one.stdout).toContain('usage: neo-db switch-reads <service> --percent N');
  });

  it('names a wrong option or a missing argument and shows the usage, with exit code 2', async () => {
    const unknown = capturedOutput();
    expect(await runCli(['copy', 'storage', '--bogus'], unknown, paths)).toBe(2);
    expect(unknown.stderr).toContain("neo-db copy: Unknown option '--bogus'.");
    expect(unknown.stderr).not.toContain('positional argument');
    expect(unknown.stderr).toContain('usage: neo-db copy <service>');

    const missing = capturedOutput();
    expect(await runCli(['copy'], missing, paths)).toBe(2);
    expect(missing.stderr).toContain('neo-db copy needs a service name, e.g. neo-db copy storage');

    const resync = capturedOutput();
    expect(await runCli(['resync', 'storage', 'voting'], resync, paths)).toBe(2);
    expect(resync.stderr).toContain('neo-db resync takes one service (got storage, voting)');
    expect(resync.stderr).toContain('usage: neo-db resync <service>');

    const binaries = capturedOutput();
    expect(await runCli(['up', '--binaries', 'debian'], binaries, paths)).toBe(2);
    expect(binaries.stderr).toContain('--binaries must be one of embedded, system, auto (got "debian")');

    const noCommand = capturedOutput();
    expect(await runCli(['cutover'], noCommand, paths)).toBe(2);
    expect(noCommand.stderr).toContain('there is no command "cutover"');
  });

  it('`neo-db failover` names a missing or unknown cluster or replica, and refuses when no replica answers', async () => {
    const missing = capturedOutput();
    expect(await runCli(['failover'], missing, paths)).toBe(2);
    expect(missing.stderr).toContain('name the one cluster to fail over, e.g. neo-db failover core');

    const closedPort = await getPort();
    const topology = loadTopology({ path: paths.topologyFile });
    writeFileSync(paths.endpointsFile, JSON.stringify(endpointsOfStoppedServers(topology, closedPort)));
    const [cluster, declared] = Object.entries(topology.clusters).find(([, candidate]) => candidate.replicas.length > 0)!;

    const unknownReplica = capturedOutput();
    expect(await runCli(['failover', cluster, '--to', 'nope'], unknownReplica, paths)).toBe(2);
    expect(unknownReplica.stderr).toContain(`--to nope is not a replica of ${cluster}`);

    const down = capturedOutput();
    expect(await runCli(['failover', cluster], down, paths)).toBe(1);
    expect(down.stderr).toContain(`no replica of ${cluster} can be promoted: ${declared.replicas[0]!.name} does not answer`);
  });

  it('`neo-db rejoin` needs a cluster and a node, and says when no npm start runs to do it (also after one died)', async () => {
    const usage = capturedOutput();
    expect(await runCli(['rejoin', 'core'], usage, paths)).toBe(2);
    expect(usage.stderr).toContain('name the cluster and the node to bring back, e.g. neo-db rejoin core core-primary');

    const nothing = capturedOutput();
    expect(await runCli(['rejoin', 'core', 'core-primary'], nothing, paths)).toBe(1);
    expect(nothing.stderr).toContain(`no \`npm start\` is running for ${paths.localDataDir}`);

    // The record of an `npm start` that was killed: its process is gone.
    mkdirSync(paths.localDataDir, { recursive: true });
    writeFileSync(join(paths.localDataDir, 'control.json'), JSON.stringify({ pid: 2 ** 22 + 1, port: await getPort(), token: 'x' }));
    const dead = capturedOutput();
    expect(await runCli(['rejoin', 'core', 'core-primary'], dead, paths)).toBe(1);
    expect(dead.stderr).toContain('no `npm start` is running');
  });

  it('`neo-db finish` names a wrong --retention-days (exit 2) and an unknown service (exit 1) in one line', async () => {
    const badNumber = capturedOutput();
    expect(await runCli(['finish', 'storage', '--retention-days', 'ten'], badNumber, paths)).toBe(2);
    expect(badNumber.stderr).toContain('neo-db finish: --retention-days must be a whole number of days, 0 or more (got "ten")');
    expect(badNumber.stderr).toContain('usage: neo-db finish <service>');

    const closedPort = await getPort();
    writeFileSync(paths.endpointsFile, JSON.stringify(endpointsOfStoppedServers(loadTopology({ path: paths.topologyFile }), closedPort)));
    const unknown = capturedOutput();
    expect(await runCli(['finish', 'nope', '--force'], unknown, paths)).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringContaining('Service "nope" is not declared in the topology')]);
  });

  it('`neo-db reshard` names a missing or unknown step and a wrong --percent (exit 2), and a service with no next layout (exit 1)', async () => {
    const missing = capturedOutput();
    expect(await runCli(['reshard', 'smartcontracts'], missing, paths)).toBe(2);
    expect(missing.stderr).toContain('neo-db reshard: takes a service and a step, e.g. neo-db reshard smartcontracts copy');
    const unknownStep = capturedOutput();
    expect(await runCli(['reshard', 'smartcontracts', 'split'], unknownStep, paths)).toBe(2);
    expect(unknownStep.stderr).toContain('there is no reshard step "split"');
    const badPercent = capturedOutput();
    expect(await runCli(['reshard', 'smartcontracts', 'switch-reads', '--percent', '150'], badPercent, paths)).toBe(2);
    expect(badPercent.stderr).toContain('whole number from 0 to 100 (got "150")');

    const closedPort = await getPort();
    writeFileSync(paths.endpointsFile, JSON.stringify(endpointsOfStoppedServers(loadTopology({ path: paths.topologyFile }), closedPort)));
    const noNext = capturedOutput();
    expect(await runCli(['reshard', 'smartcontracts', 'copy'], noNext, paths)).toBe(1);
    expect(noNext.stderr.trim().split('\n')).toEqual([expect.stringContaining('declares no next shard layout: add "sharding.next')]);
  });

  it('`neo-db up --auto-failover` refuses servers it does not run', async () => {
    const io = capturedOutput();
    expect(await runCli(['up', '--auto-failover', '--provider', 'external'], io, paths)).toBe(2);
    expect(io.stderr).toContain('--auto-failover needs servers this process runs (--provider embedded)');
  });

  it('`neo-db status` before anything was started says to run npm start first', async () => {
    const io = capturedOutput();
    expect(await runCli(['status'], io, paths)).toBe(1);
    expect(io.stderr).toContain('Nothing is running yet. Start the local topology first with `npm start`');
  });

  it('`neo-db status` after the topology was stopped says that nothing answers and to run npm start first', async () => {
    // What a stopped `npm start` leaves behind: the endpoints of servers that no longer run.
    const closedPort = await getPort();
    const topology = loadTopology({ path: paths.topologyFile });
    writeFileSync(paths.endpointsFile, JSON.stringify(endpointsOfStoppedServers(topology, closedPort)));
    const io = capturedOutput();
    expect(await runCli(['status'], io, paths)).toBe(1);
    expect(io.stderr).toContain(
      `Nothing answers at 127.0.0.1:${closedPort}: the server is not running. For the local topology, start it first with \`npm start\``,
    );
  });
});
