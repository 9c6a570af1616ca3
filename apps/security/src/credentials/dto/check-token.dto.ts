import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /credentials/check`. */
export class CheckTokenDto {
  /** The bearer token presented to the caller, e.g. by a client of another service. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;
}
