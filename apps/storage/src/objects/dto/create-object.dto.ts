import { Transform } from 'class-transformer';
import { IsInt, IsMimeType, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Body of `POST /objects`. */
export class CreateObjectDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  key!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  owner!: string;

  /** Bytes. Capped at 2^53 - 1 so it is exact as a JSON number. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size!: number;

  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'contentHash must be a SHA-256 digest: 64 hexadecimal characters' })
  contentHash!: string;

  @IsOptional()
  @IsString()
  @IsMimeType({ message: 'contentType must be a MIME type such as "application/pdf"' })
  @MaxLength(255)
  contentType?: string;
}
