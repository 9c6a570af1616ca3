import { Module } from '@nestjs/common';
import { PartitionMaintenance } from './partition-maintenance.js';
import { PartitionsController } from './partitions.controller.js';

/** The partition job and its endpoint. Settings and clock come from the app module (global providers). */
@Module({
  controllers: [PartitionsController],
  providers: [PartitionMaintenance],
  exports: [PartitionMaintenance],
})
export class PartitionsModule {}
