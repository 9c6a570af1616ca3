import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { CredentialsModule } from './credentials/credentials.module.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const SECURITY_SERVICE = 'security';

export interface SecurityAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.security.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: SecurityAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DataModule.forRoot({
          service: SECURITY_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        CredentialsModule,
        DataHealthModule,
      ],
    };
  }
}
