import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '@neo/data';

/** Query of `GET /objects?owner=&limit=&cursor=`. */
export class ListObjectsQuery extends PageQuery {
  @IsString()
  @IsNotEmpty()
  // An owner is at most 255 characters when created; a longer one names nothing.
  @MaxLength(255)
  owner!: string;
}
