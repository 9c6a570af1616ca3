/**
 * HTTP load against the storage and smart-contracts services (autocannon, in this process, on
 * 127.0.0.1), each figure a ratio against a bare Nest + Prisma app serving the same endpoints'
 * queries on the same database in the same run:
 *  - the declared topology's core, blockchain and monolith clusters, embedded (primaries and
 *    streaming replicas, TLS), migrated with `migrateFleet`;
 *  - each service twice, placed by its `UseShardedDatabase` flags on its monolith schema and on
 *    its own databases (storage's date-ranged shards, smart-contracts' 4 modulo shards);
 *  - the bare app: a plain PrismaClient (adapter-pg, one pool) on the service's monolith schema,
 *    Nest's stock ValidationPipe with the services' own DTOs, no routing layer (see README.md).
 * Workload per connection, repeated: create, then reads of what it created (by id and the
 * listing), 2 creates : 6 reads by id : 2 listings, with an `x-user-id` per cycle as a client
 * would send (read-your-writes sessions on the replicas). Closed loop at `--connections` gives the
 * saturating rate; a run at 80 % of it (`overallRate`) gives the read p95 against the seed's 50 ms.
 *
 *   npm run bench:http -- [--runs 3] [--seconds 5] [--connections 16]
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import 'reflect-metadata';
import {
  Body,
  ConflictException,
  Controller,
  Get,
  Inject,
  Module,
  NotFoundException,
  Param,
  Post,
  Query,
  ValidationPipe,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrismaPg } from '@prisma/adapter-pg';
import autocannon from 'autocannon';
import { loadTopology, locateTopologyFile, monolithTarget, toPgPoolConfig, type Topology } from '@neo/topology';
import { startTopology } from '@neo/topology-runtime';
import { migrateFleet } from '../libs/data/src/migrations/index.js';
import { uuidv7, uuidv7Time } from '../libs/data/src/sharding/ids/index.js';
import { sideFlags } from '../libs/service-testing/src/side-flags.js';
import type { ServiceSide } from '../libs/service-testing/src/service-http-table.js';
import { createSmartContractsApp } from '../apps/smart-contracts/src/create-smart-contracts-app.js';
import { PrismaClient as ContractsPrisma } from '../apps/smart-contracts/src/generated/prisma/client.js';
import { SubmitTransactionDto } from '../apps/smart-contracts/src/transactions/dto/submit-transaction.dto.js';
import { toTransactionResponse } from '../apps/smart-contracts/src/transactions/dto/transaction.response.js';
import { createStorageApp } from '../apps/storage/src/create-storage-app.js';
import { CreateObjectDto } from '../apps/storage/src/objects/dto/create-object.dto.js';
import { toResponse } from '../apps/storage/src/objects/dto/storage-object.response.js';
import { PrismaClient as StoragePrisma } from '../apps/storage/src/generated/prisma/client.js';
import { fmt, loadAverage, machineBusyMicros, median, percentile, present, ratiosByRun } from './bench-stats.js';

const { values: cli } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
  },
});
const runs = Number(cli.runs);
const seconds = Number(cli.seconds);
const connections = Number(cli.connections);
const READ_TARGET_P95_MS = 50;

// ---- the bare baseline: plain Nest + one PrismaClient per service, no routing layer ----------

const STORAGE_DB = 'bare-storage-db';
const CONTRACTS_DB = 'bare-contracts-db';

@Controller('objects')
class BareObjectsController {
  constructor(@Inject(STORAGE_DB) private readonly db: StoragePrisma) {}

  @Post()
  async create(@Body() body: CreateObjectDto) {
    // The same two queries as the service: the duplicate check, then the insert.
    const existing = await this.db.storageObject.findFirst({ where: { owner: body.owner, key: body.key }, select: { id: true } });
    if (existing) throw new ConflictException('exists');
    const id = uuidv7();
    const row = await this.db.storageObject.create({
      data: { id, ...body, size: BigInt(body.size), contentType: body.contentType ?? null, createdDate: uuidv7Time(id) },
    });
    return toResponse(row);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const row = await this.db.storageObject.findUnique({ where: { id } });
    if (!row) throw new NotFoundException(id);
    return toResponse(row);
  }

  @Get()
  async list(@Query('owner') owner: string, @Query('limit') limit = '20') {
    const take = Number(limit);
    const rows = await this.db.storageObject.findMany({
      where: { owner },
      orderBy: [{ createdDate: 'desc' }, { id: 'desc' }],
      take: take + 1,
    });
    return { items: rows.slice(0, take).map(toResponse), nextCursor: null };
  }
}

@Controller()
class BareTransactionsController {
  constructor(@Inject(CONTRACTS_DB) private readonly db: ContractsPrisma) {}

  @Post('transactions')
  async submit(@Body() body: SubmitTransactionDto) {
    // The same two queries as the service: the contract exists, then the insert.
    const found = await this.db.contract.findMany({ where: { id: { in: [body.contractId] } }, select: { id: true } });
    if (found.length === 0) throw new NotFoundException(body.contractId);
    const id = uuidv7();
    const row = await this.db.transaction.create({
      data: {
        id,
        userId: BigInt(body.userId),
        contractId: body.contractId,
        method: body.method,
        amount: body.amount ?? null,
        ...(body.payload === undefined ? {} : { payload: body.payload as object }),
        createdAt: uuidv7Time(id),
      },
    });
    return toTransactionResponse(row);
  }

  @Get('users/:userId/transactions/:id')
  async get(@Param('userId') userId: string, @Param('id') id: string) {
    const row = await this.db.transaction.findFirst({ where: { userId: BigInt(userId), id } });
    if (!row) throw new NotFoundException(id);
    return toTransactionResponse(row);
  }

  @Get('users/:userId/transactions')
  async list(@Param('userId') userId: string, @Query('limit') limit = '20') {
    const take = Number(limit);
    const rows = await this.db.transaction.findMany({
      where: { userId: BigInt(userId) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: take + 1,
    });
    return { items: rows.slice(0, take).map(toTransactionResponse), nextCursor: null };
  }
}

function bareModule(topology: Topology) {
  const storage = monolithTarget(topology, 'storage');
  const contracts = monolithTarget(topology, 'smartcontracts');
  // Pool settings (size, TLS) as the topology gives them to every client.
  const adapter = (node: typeof storage) =>
    new PrismaPg(toPgPoolConfig(node) as ConstructorParameters<typeof PrismaPg>[0], {
      schema: present(node.schema, 'the schema of a monolith target'),
    });
  const storageDb = new StoragePrisma({ adapter: adapter(storage) });
  const contractsDb = new ContractsPrisma({ adapter: adapter(contracts) });
  @Module({
    controllers: [BareObjectsController, BareTransactionsController],
    providers: [
      { provide: STORAGE_DB, useValue: storageDb },
      { provide: CONTRACTS_DB, useValue: contractsDb },
    ],
  })
  class BareModule {}
  return { module: BareModule, close: () => Promise.all([storageDb.$disconnect(), contractsDb.$disconnect()]) };
}

// ---- the workload ------------------------------------------------------------------------------

type Endpoint = 'create' | 'read by id' | 'list';
const READS: readonly Endpoint[] = ['read by id', 'list'];
interface Step {
  endpoint: Endpoint;
  request: autocannon.Request;
}
/** One cycle of a connection: 2 creates, 6 reads by id and 2 listings of what it wrote. */
const CYCLE: readonly Endpoint[] = [
  'create',
  'read by id',
  'list',
  'read by id',
  'read by id',
  'create',
  'read by id',
  'list',
  'read by id',
  'read by id',
];

interface Context {
  user?: string;
  owner?: string;
  userId?: number;
  id?: string;
}

/** The connection's user: its cycle starts with a create, which sets it. */
const userOf = (context: Context) => present(context.user, "the connection's user (set by its first create)");

const json = { 'content-type': 'application/json' };
const HASH = 'c0ffee'.repeat(10) + 'c0ff';

/** A create's answer: the id the connection's next reads ask for. */
function rememberCreatedId(status: number, body: string, context: Context): void {
  if (status === 201) context.id = (JSON.parse(body) as { id: string }).id;
}

/** Storage: POST /objects, GET /objects/:id, GET /objects?owner=. */
function storageSteps(): Step[] {
  const steps: Record<Endpoint, autocannon.Request> = {
    create: {
      method: 'POST',
      path: '/objects',
      setupRequest: (request, context: Context) => {
        context.owner ??= `owner-${randomUUID()}`;
        context.user ??= `bench-${randomUUID()}`;
        const body = { key: `docs/${randomUUID()}.txt`, owner: context.owner, size: 12, contentHash: HASH, contentType: 'text/plain' };
        return { ...request, headers: { ...json, 'x-user-id': context.user }, body: JSON.stringify(body) };
      },
      onResponse: rememberCreatedId,
    },
    'read by id': {
      method: 'GET',
      setupRequest: (request, context: Context) => ({
        ...request,
        path: `/objects/${context.id}`,
        headers: { 'x-user-id': userOf(context) },
      }),
    },
    list: {
      method: 'GET',
      setupRequest: (request, context: Context) => ({
        ...request,
        path: `/objects?owner=${context.owner}&limit=20`,
        headers: { 'x-user-id': userOf(context) },
      }),
    },
  };
  return CYCLE.map((endpoint) => ({ endpoint, request: { ...steps[endpoint] } }));
}

/** Smart contracts: POST /transactions, GET /users/:userId/transactions/:id, GET /users/:userId/transactions. */
function contractsSteps(contractId: string): Step[] {
  const steps: Record<Endpoint, autocannon.Request> = {
    create: {
      method: 'POST',
      path: '/transactions',
      setupRequest: (request, context: Context) => {
        context.userId ??= randomInt(1, 1_000_000);
        context.user ??= `bench-${context.userId}`;
        const body = {
          contractId,
          userId: context.userId,
          method: 'transfer',
          amount: '12.5',
          payload: { to: 'NZ3bqkNmEzCiYtiDwLf4Ppr1ZJB1MNzTwH' },
        };
        return { ...request, headers: { ...json, 'x-user-id': context.user }, body: JSON.stringify(body) };
      },
      onResponse: rememberCreatedId,
    },
    'read by id': {
      method: 'GET',
      setupRequest: (request, context: Context) => ({
        ...request,
        path: `/users/${context.userId}/transactions/${context.id}`,
        headers: { 'x-user-id': userOf(context) },
      }),
    },
    list: {
      method: 'GET',
      setupRequest: (request, context: Context) => ({
        ...request,
        path: `/users/${context.userId}/transactions?limit=20`,
        headers: { 'x-user-id': userOf(context) },
      }),
    },
  };
  return CYCLE.map((endpoint) => ({ endpoint, request: { ...steps[endpoint] } }));
}

interface LoadResult {
  /** Requests per second over every endpoint. */
  rate: number;
  /** Non-2xx answers and connection errors. */
  errors: number;
  perEndpoint: Record<Endpoint, { rate: number; latencies: number[] }>;
  readLatencies: number[];
  /** CPU µs per answered request: this process (the apps and autocannon) and the rest of the machine (the servers). */
  cpu: { process: number; servers?: number };
}

/** autocannon against `url` with the steps as each connection's request cycle; latencies per endpoint. */
async function load(url: string, steps: Step[], durationSeconds: number, overallRate?: number): Promise<LoadResult> {
  const latencies: Record<Endpoint, number[]> = { create: [], 'read by id': [], list: [] };
  let errors = 0;
  // onResponse runs just before the client's 'response' event, synchronously: it names the step answered.
  let answered: Endpoint = 'create';
  const requests = steps.map(({ endpoint, request }) => ({
    ...request,
    onResponse: (status: number, body: string, context: Context) => {
      answered = endpoint;
      const own = request.onResponse as ((status: number, body: string, context: Context) => void) | undefined;
      own?.(status, body, context);
    },
  }));
  const processBefore = process.cpuUsage();
  const machineBefore = machineBusyMicros();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: durationSeconds,
        requests,
        ...(overallRate ? { overallRate: Math.max(1, Math.round(overallRate)) } : {}),
      },
      (error, outcome) => (error ? reject(error) : resolve(outcome)),
    );
    instance.on('response', (_client, statusCode: number, _bytes, responseTime: number) => {
      if (statusCode >= 300) errors++;
      else latencies[answered].push(responseTime);
    });
  });
  const processUsage = process.cpuUsage(processBefore);
  const machineAfter = machineBusyMicros();
  errors += result.errors + result.timeouts;
  const elapsed = result.duration;
  const perEndpoint = Object.fromEntries(
    Object.entries(latencies).map(([endpoint, values]) => [endpoint, { rate: values.length / elapsed, latencies: values }]),
  ) as LoadResult['perEndpoint'];
  const total = Object.values(latencies).reduce((sum, values) => sum + values.length, 0);
  const processMicros = processUsage.user + processUsage.system;
  const cpu = {
    process: processMicros / total,
    ...(machineBefore !== undefined && machineAfter !== undefined
      ? { servers: Math.max(0, machineAfter - machineBefore - processMicros) / total }
      : {}),
  };
  return { rate: total / elapsed, errors, perEndpoint, readLatencies: READS.flatMap((endpoint) => latencies[endpoint]), cpu };
}

// ---- the run -------------------------------------------------------------------------------------

const declared = loadTopology({ path: locateTopologyFile({ env: process.env }) }, { env: process.env });
const running = await startTopology(declared, { provider: 'embedded', clusters: ['core', 'blockchain', 'monolith'], durable: true });
const closers: (() => Promise<unknown>)[] = [];
try {
  const { topology } = running;
  await migrateFleet({ topology, services: ['storage', 'smartcontracts'], monolith: true });

  const listen = async (app: INestApplication) => {
    await app.listen(0, '127.0.0.1');
    closers.push(() => app.close());
    return (await app.getUrl()).replace('[::1]', '127.0.0.1');
  };
  type Target = 'bare Nest + Prisma' | `ours, ${ServiceSide}`;
  const urls = new Map<string, string>(); // `${service} ${target}` → url
  for (const side of ['monolith', 'service'] as const) {
    const storageFlags = sideFlags('storage', side);
    const contractsFlags = sideFlags('smartcontracts', side);
    closers.push(
      () => storageFlags.close(),
      () => contractsFlags.close(),
    );
    urls.set(
      `storage ours, ${side}`,
      await listen(await createStorageApp({ topology, flags: { instance: storageFlags } }, { logger: false })),
    );
    urls.set(
      `smart-contracts ours, ${side}`,
      await listen(await createSmartContractsApp({ topology, flags: { instance: contractsFlags } }, { logger: false })),
    );
  }
  const bare = bareModule(topology);
  closers.push(bare.close);
  const bareApp = await NestFactory.create(bare.module, { logger: false });
  bareApp.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  const bareUrl = await listen(bareApp);
  urls.set('storage bare Nest + Prisma', bareUrl);
  urls.set('smart-contracts bare Nest + Prisma', bareUrl);
  const urlOf = (key: string) => present(urls.get(key), `the URL of ${key}`);

  // A contract on each side (the bare app shares the monolith side's schema and its contract).
  const register = async (url: string) => {
    const response = await fetch(`${url}/contracts`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: `bench-${randomUUID()}`, scriptHash: `0x${randomBytes(20).toString('hex')}` }),
    });
    if (response.status !== 201) throw new Error(`POST /contracts answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  };
  const monolithContract = await register(urlOf('smart-contracts ours, monolith'));
  const serviceContract = await register(urlOf('smart-contracts ours, service'));

  const services = ['storage', 'smart-contracts'] as const;
  const targets: Target[] = ['bare Nest + Prisma', 'ours, monolith', 'ours, service'];
  const stepsOf = (service: (typeof services)[number], target: Target) =>
    service === 'storage' ? storageSteps() : contractsSteps(target === 'ours, service' ? serviceContract : monolithContract);

  // Warm-up: pools, JIT, Prisma's first queries.
  for (const service of services) for (const target of targets) await load(urlOf(`${service} ${target}`), stepsOf(service, target), 1);

  console.log(
    `http bench: storage and smart-contracts, ${connections} connections, ${runs} interleaved runs x ${seconds}s, autocannon in this process`,
  );
  console.log(`load average before: ${loadAverage()}\n`);
  // Each app's closed-loop run, then at once its run at 80 % of the rate it just reached (open
  // loop, autocannon overallRate): paired in time, so a change of the machine's load between
  // phases does not push the "80 %" run past what the app serves at that moment.
  const saturated = new Map<string, LoadResult[]>();
  const at80 = new Map<string, LoadResult[]>();
  const offeredAt80 = new Map<string, number[]>();
  const record = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
  const runsOf = <T>(map: Map<string, T[]>, key: string) => present(map.get(key), `the runs of ${key}`);
  for (let run = 0; run < runs; run++) {
    for (const service of services) {
      // Rotated each run so no app always runs first or last on a shared machine.
      for (const target of [...targets.slice(run % targets.length), ...targets.slice(0, run % targets.length)]) {
        const key = `${service} ${target}`;
        const closed = await load(urlOf(key), stepsOf(service, target), seconds);
        record(saturated, key, closed);
        record(offeredAt80, key, 0.8 * closed.rate);
        record(at80, key, await load(urlOf(key), stepsOf(service, target), seconds, 0.8 * closed.rate));
      }
    }
  }

  console.log(`## Closed loop (saturating), ${connections} connections: medians of ${runs} runs\n`);
  console.log(
    '| service | app | endpoint | req/s | × bare | p50 ms | p95 ms | p99 ms | p95 × bare | errors | CPU µs/request: this process (apps, autocannon) / servers (rest of the machine) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const endpoints: (Endpoint | 'all')[] = ['all', 'create', 'read by id', 'list'];
  for (const service of services) {
    const baseline = runsOf(saturated, `${service} bare Nest + Prisma`);
    for (const target of targets) {
      const measured = runsOf(saturated, `${service} ${target}`);
      for (const endpoint of endpoints) {
        const rateOf = (result: LoadResult) => (endpoint === 'all' ? result.rate : result.perEndpoint[endpoint].rate);
        const latOf = (result: LoadResult) =>
          endpoint === 'all'
            ? Object.values(result.perEndpoint).flatMap((entry) => entry.latencies)
            : result.perEndpoint[endpoint].latencies;
        // Ratios per run (same run, same conditions), then their median.
        const p95Of = (result: LoadResult) => percentile(latOf(result), 95);
        const rateRatio = median(ratiosByRun(measured.map(rateOf), baseline.map(rateOf)));
        const p95Ratio = median(ratiosByRun(measured.map(p95Of), baseline.map(p95Of)));
        const p = (q: number) => fmt(median(measured.map((result) => percentile(latOf(result), q))), 1);
        const errors = endpoint === 'all' ? String(measured.reduce((sum, result) => sum + result.errors, 0)) : '';
        const serverCpu = measured.flatMap((result) => (result.cpu.servers === undefined ? [] : [result.cpu.servers]));
        const cpu =
          endpoint === 'all'
            ? `${fmt(median(measured.map((result) => result.cpu.process)))} / ${serverCpu.length > 0 ? fmt(median(serverCpu)) : 'n/a'}`
            : '';
        console.log(
          `| ${service} | ${target} | ${endpoint} | ${fmt(median(measured.map(rateOf)))} | ${fmt(rateRatio, 2)} | ${p(50)} | ${p(95)} | ${p(99)} | ${fmt(p95Ratio, 2)} | ${errors} | ${cpu} |`,
        );
      }
    }
  }

  console.log(
    `\n## At 80 % of each app's saturating rate (autocannon overallRate): reads (by id and listings) vs the seed's p95 < ${READ_TARGET_P95_MS} ms, medians of ${runs} runs\n`,
  );
  console.log(
    '| service | app | offered req/s | served req/s | read p50 ms | read p95 ms | read p99 ms | p95 < 50 ms | p95 × bare | errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const service of services) {
    const baseline = runsOf(at80, `${service} bare Nest + Prisma`);
    for (const target of targets) {
      const key = `${service} ${target}`;
      const measured = runsOf(at80, key);
      const p = (q: number) => median(measured.map((result) => percentile(result.readLatencies, q)));
      const readP95Of = (result: LoadResult) => percentile(result.readLatencies, 95);
      const p95Ratio = median(ratiosByRun(measured.map(readP95Of), baseline.map(readP95Of)));
      const offered = median(runsOf(offeredAt80, key));
      console.log(
        `| ${service} | ${target} | ${fmt(offered)} | ${fmt(median(measured.map((result) => result.rate)))} | ${fmt(p(50), 1)} | ${fmt(p(95), 1)} | ${fmt(p(99), 1)} | ${p(95) < READ_TARGET_P95_MS ? 'yes' : 'no'} | ${fmt(p95Ratio, 2)} | ${measured.reduce((sum, result) => sum + result.errors, 0)} |`,
      );
    }
  }

  // Where our apps sent their calls over the whole run (GET /metrics): replicas, or the primary and why.
  console.log('\n## Routing decisions of our apps over the whole run (neo_data_routing_decisions_total by reason)\n');
  for (const [key, url] of urls) {
    if (!key.includes('ours')) continue;
    const text = await (await fetch(`${url}/metrics`)).text();
    const byReason = new Map<string, number>();
    for (const line of text.split('\n')) {
      const match = /^neo_data_routing_decisions_total\{.*reason="([^"]+)".*\} ([\d.e+]+)$/.exec(line);
      const [, reason, count] = match ?? [];
      if (reason !== undefined) byReason.set(reason, (byReason.get(reason) ?? 0) + Number(count));
    }
    console.log(`- ${key}: ${[...byReason].map(([reason, count]) => `${reason} ${fmt(count)}`).join(', ') || 'none recorded'}`);
  }
  console.log(`\nload average after: ${loadAverage()}`);
} finally {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await running.stop();
}
