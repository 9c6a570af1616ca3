import { Module } from '@nestjs/common';
import { ReportPartitions } from './report-partitions.js';

/** The partitions of `report_inputs` and `generated_reports`. Settings, clock and login come from the app module (global providers). */
@Module({
  providers: [ReportPartitions],
  exports: [ReportPartitions],
})
export class PartitionsModule {}
