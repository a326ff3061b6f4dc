import { DomainError } from '../common/errors/domain-error';

export class UsernameTakenError extends DomainError {
  readonly code = 'USERNAME_TAKEN';
  readonly status = 409;
  constructor() {
    super('This username is already taken.');
  }
}

/** The number is the verified number of another account; it must be unlinked there first. */
export class PhoneInUseError extends DomainError {
  readonly code = 'PHONE_IN_USE';
  readonly status = 409;
  constructor() {
    super('This phone number is already verified by another account.');
  }
}

/** The sign-up wall: the route needs a verified phone number. */
export class PhoneNotVerifiedError extends DomainError {
  readonly code = 'PHONE_NOT_VERIFIED';
  readonly status = 403;
  constructor() {
    super('Verify your phone number to continue.');
  }
}
