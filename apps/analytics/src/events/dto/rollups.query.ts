import { DateTimeField } from '@neo/data/nest';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export const ROLLUP_BUCKETS = ['hour', 'day'] as const;
export type RollupBucket = (typeof ROLLUP_BUCKETS)[number];

/** Query of `GET /rollups`: one event name's buckets of one width in [from, to). */
export class RollupsQuery {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsIn(ROLLUP_BUCKETS, { message: `bucket must be one of: ${ROLLUP_BUCKETS.join(', ')}` })
  bucket!: RollupBucket;

  @DateTimeField()
  from!: Date;

  @DateTimeField()
  to!: Date;
}
