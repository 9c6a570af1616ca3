import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_CHOICE_LENGTH } from './create-proposal.dto.js';

/** Body of `POST /proposals/:id/votes`. */
export class CastVoteDto {
  /** Who votes: one vote per voter per proposal. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  voterId!: string;

  /** One of the proposal's choices. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_CHOICE_LENGTH)
  choice!: string;
}
