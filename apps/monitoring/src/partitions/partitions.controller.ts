import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import type { PartitionMaintenance as MaintenanceResult } from '@neo/data/partitioning';
import { PartitionMaintenance } from './partition-maintenance.js';

/** `POST /maintenance/partitions`: runs the partition job now (operators, after changing the retention). */
@Controller('maintenance')
export class PartitionsController {
  constructor(private readonly maintenance: PartitionMaintenance) {}

  @Post('partitions')
  @HttpCode(HttpStatus.OK)
  run(): Promise<MaintenanceResult> {
    return this.maintenance.run();
  }
}
