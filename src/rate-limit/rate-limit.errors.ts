import { DomainError } from '../common/errors/domain-error';

export class TooManyRequestsError extends DomainError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly status = 429;
  constructor(retryAfterSeconds: number) {
    super(`Too many requests from your address; try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    });
  }
}
