import { Controller, HttpCode, HttpStatus, Post, ServiceUnavailableException } from '@nestjs/common';
import { OperatorOnly } from '@neo/data/nest';
import { PartitionMaintenance, type PlaceMaintenance } from './partition-maintenance.js';

/**
 * `POST /maintenance/partitions`: runs the partition job now, in every place the table lives
 * (operators, after changing the retention). An operator action: it needs
 * `Authorization: Bearer <NEO_OPERATOR_TOKEN>`, and is off when the service has no token.
 */
@Controller('maintenance')
export class PartitionsController {
  constructor(private readonly maintenance: PartitionMaintenance) {}

  @Post('partitions')
  @OperatorOnly()
  @HttpCode(HttpStatus.OK)
  async run(): Promise<{ places: PlaceMaintenance[] }> {
    const places = await this.maintenance.run();
    if (places.some((place) => 'error' in place)) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'PARTITION_MAINTENANCE_INCOMPLETE',
        message: 'some databases of this service cannot be reached; their partitions are kept by the next run',
        places,
      });
    }
    return { places };
  }
}
