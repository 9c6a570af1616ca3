import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_TTL_SECONDS = 366 * 24 * 3600;

/** Body of `POST /credentials`. */
export class IssueCredentialDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** Who the credential acts for. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  owner!: string;

  /** Seconds until it expires (at most a year). */
  @IsInt()
  @Min(1)
  @Max(MAX_TTL_SECONDS)
  ttlSeconds!: number;
}
