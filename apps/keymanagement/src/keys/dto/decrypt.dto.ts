import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_PLAINTEXT_BASE64_LENGTH } from './encrypt.dto.js';

/** Body of `POST /keys/:id/decrypt`. */
export class DecryptDto {
  /** A ciphertext made by `POST /keys/:id/encrypt` with the same key (any of its versions). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PLAINTEXT_BASE64_LENGTH + 100)
  ciphertext!: string;
}
