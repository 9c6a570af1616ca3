import { DateTimeField } from '@neo/data/nest';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export const MIN_CHOICES = 2;
export const MAX_CHOICES = 20;
export const MAX_CHOICE_LENGTH = 100;

/** Body of `POST /proposals`. */
export class CreateProposalDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** What a voter may pick, e.g. ["yes", "no", "abstain"]. */
  @IsArray()
  @ArrayMinSize(MIN_CHOICES)
  @ArrayMaxSize(MAX_CHOICES)
  @ArrayUnique({ message: 'choices must all be different' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MAX_CHOICE_LENGTH, { each: true })
  choices!: string[];

  /** Votes are refused from then on (ISO 8601 with a time zone); open forever when absent. */
  @IsOptional()
  @DateTimeField()
  closesAt?: Date;
}
