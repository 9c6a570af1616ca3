import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { ContractsModule } from './contracts/contracts.module.js';
import { PrismaClient } from './generated/prisma/client.js';
import { TransactionsModule } from './transactions/transactions.module.js';

/** The name of this service in the topology. */
export const SMART_CONTRACTS_SERVICE = 'smartcontracts';

export interface SmartContractsAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Per-node timeout of the health probe; the data module's default when absent. */
  healthTimeoutMs?: number;
  /** Where the `UseShardedDatabase.smartcontracts.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: SmartContractsAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DataModule.forRoot({
          service: SMART_CONTRACTS_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          // Rows written without an id still get a UUIDv7 before routing (the service sets its own).
          sharding: { generatedIds: { Contract: 'id', Transaction: 'id' } },
          healthTimeoutMs: config.healthTimeoutMs,
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        ContractsModule,
        TransactionsModule,
        DataHealthModule,
      ],
    };
  }
}
