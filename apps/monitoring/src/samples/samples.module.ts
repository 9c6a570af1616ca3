import { Module } from '@nestjs/common';
import { PartitionsModule } from '../partitions/partitions.module.js';
import { SamplesController } from './samples.controller.js';
import { SamplesService } from './samples.service.js';

/** Writing and reading metric samples. The data client comes from the global `DataModule`. */
@Module({
  imports: [PartitionsModule],
  controllers: [SamplesController],
  providers: [SamplesService],
})
export class SamplesModule {}
