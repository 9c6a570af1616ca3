import { IsBase64, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Plaintexts up to 64 KiB (as base64: 4 characters per 3 bytes). */
export const MAX_PLAINTEXT_BASE64_LENGTH = 87_384;

/** Body of `POST /keys/:id/encrypt`. */
export class EncryptDto {
  /** The bytes to encrypt, base64. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PLAINTEXT_BASE64_LENGTH)
  @IsBase64({}, { message: 'plaintext must be base64, e.g. "aGVsbG8="' })
  plaintext!: string;
}
