import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** Body of `POST /contracts`. */
export class CreateContractDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsString()
  @Matches(/^0x[0-9a-f]{40}$/, { message: 'scriptHash must be "0x" followed by 40 hexadecimal digits' })
  scriptHash!: string;
}
