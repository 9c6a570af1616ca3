import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /items`. */
export class CreateItemDto {
  /** Unique. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}
