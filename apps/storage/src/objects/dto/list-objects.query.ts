import { IsNotEmpty, IsString } from 'class-validator';
import { PageQuery } from '@neo/data';

/** Query of `GET /objects?owner=&limit=&cursor=`. */
export class ListObjectsQuery extends PageQuery {
  @IsString()
  @IsNotEmpty()
  owner!: string;
}
