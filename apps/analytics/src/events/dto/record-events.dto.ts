import { Type } from 'class-transformer';
import { DateTimeField } from '@neo/data/nest';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

export const MAX_EVENTS_PER_BATCH = 1_000;
export const MAX_PROPERTIES_BYTES = 2_048;
/** A full batch with full properties fits. */
export const EVENTS_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

function IsSmallJson(): PropertyDecorator {
  return ValidateBy({
    name: 'isSmallJson',
    validator: {
      validate: (value: unknown) => value === undefined || Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= MAX_PROPERTIES_BYTES,
      defaultMessage: () => `$property must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON`,
    },
  });
}

/** One event of a batch. */
export class EventDto {
  /** Chosen by the sender: sending the batch again records nothing twice. */
  @IsUUID()
  id!: string;

  /** What happened, e.g. "wallet.opened". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  userId?: string;

  /** A number the rollups add up; leave out for a plain count. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number;

  @IsOptional()
  @IsObject()
  @IsSmallJson()
  properties?: Record<string, unknown>;

  @DateTimeField()
  occurredAt!: Date;
}

/** Body of `POST /events`. */
export class RecordEventsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENTS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => EventDto)
  events!: EventDto[];
}
