import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { ProposalsModule } from './proposals/proposals.module.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const VOTING_SERVICE = 'voting';

export interface VotingAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.voting.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: VotingAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DataModule.forRoot({
          service: VOTING_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        ProposalsModule,
        DataHealthModule,
      ],
    };
  }
}
