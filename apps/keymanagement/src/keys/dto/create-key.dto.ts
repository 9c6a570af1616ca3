import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** Body of `POST /keys`. */
export class CreateKeyDto {
  /** Unique, e.g. "wallet-backups". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(/^[\w.:/-]+$/, { message: 'name may contain letters, digits and . : / _ - only, e.g. "wallet-backups"' })
  name!: string;
}
