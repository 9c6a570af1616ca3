import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { ReportPartitions } from '../partitions/report-partitions.js';
import type { ReportingDb } from '../reporting-db.js';
import type { InputDto } from './dto/record-inputs.dto.js';

/** The measurements reports are computed from. */
@Injectable()
export class InputsService {
  constructor(
    @InjectDataClient() private readonly db: ReportingDb,
    private readonly partitions: ReportPartitions,
  ) {}

  /**
   * Records a batch in the daily partitions of its inputs, each input once: a repeat of an id at
   * the same instant is skipped (`ON CONFLICT DO NOTHING`), so a retried batch writes nothing twice.
   */
  async record(inputs: readonly InputDto[]): Promise<{ written: number }> {
    await this.partitions.ensureInputPartitions(inputs.map((input) => input.occurredAt));
    const { count } = await this.db.reportInput.createMany({
      data: inputs.map((input) => ({
        id: input.id,
        metric: input.metric,
        dimension: input.dimension ?? null,
        value: input.value,
        occurredAt: input.occurredAt,
      })),
      skipDuplicates: true,
    });
    return { written: count };
  }
}
