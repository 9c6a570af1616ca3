import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export const MAX_SECRET_VALUE_LENGTH = 10_000;

/** Body of `PUT /secrets/:name`: the new value, stored encrypted as the secret's next version. */
export class PutSecretDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SECRET_VALUE_LENGTH)
  value!: string;
}
