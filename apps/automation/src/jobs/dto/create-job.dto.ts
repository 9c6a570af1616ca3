import { IsNotEmpty, IsString, MaxLength, ValidateBy } from 'class-validator';
import { nextRun } from '../cron-schedule.js';

function IsCronExpression(): PropertyDecorator {
  return ValidateBy({
    name: 'isCronExpression',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && nextRun(value, new Date()) !== undefined,
      defaultMessage: () => '$property must be a cron expression of 5 fields (or 6 with seconds first), such as "*/5 * * * *"',
    },
  });
}

/** Body of `POST /jobs`. */
export class CreateJobDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** When it runs, in UTC. */
  @IsString()
  @MaxLength(100)
  @IsCronExpression()
  schedule!: string;
}
