import { DomainError } from '../common/errors/domain-error';

/** One answer for an unknown user and a wrong password, so neither reveals which it was. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly status = 401;
  constructor() {
    super('The username or password is wrong.');
  }
}

export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'INVALID_REFRESH_TOKEN';
  readonly status = 401;
  constructor() {
    super('The refresh token is not valid; log in again.');
  }
}

export class TooManyLoginAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_LOGIN_ATTEMPTS';
  readonly status = 429;
  constructor(retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    });
  }
}
