import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { SecretsController } from './secrets.controller.js';
import { SecretsService } from './secrets.service.js';

/** Secret endpoints. The data client comes from the global `DataModule`, the master key from the app module. */
@Module({
  controllers: [SecretsController],
  providers: [SecretsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class SecretsModule {}
