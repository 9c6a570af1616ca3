import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { DefinitionsModule } from '../definitions/definitions.module.js';
import { PartitionsModule } from '../partitions/partitions.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Generating, listing and reading reports. */
@Module({
  imports: [DefinitionsModule, PartitionsModule],
  controllers: [ReportsController],
  providers: [ReportsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class ReportsModule {}
