import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import {
  AlreadyVotedError,
  ClosesInThePastError,
  InvalidChoiceError,
  InvalidProposalsCursorError,
  ProposalClosedError,
  ProposalNotFoundError,
} from '../proposals/proposal.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof ProposalNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof AlreadyVotedError || exception instanceof ProposalClosedError) {
    return serviceHttpError(HttpStatus.CONFLICT, exception);
  }
  if (
    exception instanceof InvalidChoiceError ||
    exception instanceof ClosesInThePastError ||
    exception instanceof InvalidProposalsCursorError
  ) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  return exception;
}
