import { DateTimeField } from '@neo/data/nest';
import { IsOptional } from 'class-validator';

/**
 * Body of `POST /definitions/:id/reports`: the window of inputs the report covers, `from`
 * included, `to` excluded. Both optional: the definition's last `windowDays` days up to now.
 */
export class GenerateReportDto {
  @IsOptional()
  @DateTimeField()
  from?: Date;

  @IsOptional()
  @DateTimeField()
  to?: Date;
}
