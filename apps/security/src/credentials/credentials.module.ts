import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsService } from './credentials.service.js';

/** Credential endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [CredentialsController],
  providers: [CredentialsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class CredentialsModule {}
