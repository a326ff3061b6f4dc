import { DomainError } from '../common/errors/domain-error';

export class InvalidPhoneError extends DomainError {
  readonly code = 'INVALID_PHONE';
  readonly status = 400;
  constructor(message: string) {
    super(message, { errors: [{ field: 'phone', message }] });
  }
}

export class PhoneAlreadyVerifiedError extends DomainError {
  readonly code = 'PHONE_ALREADY_VERIFIED';
  readonly status = 409;
  constructor() {
    super('This number is already verified on your account.');
  }
}

export class ResendCooldownError extends DomainError {
  readonly code = 'RESEND_COOLDOWN';
  readonly status = 429;
  constructor(retryAfterSeconds: number) {
    super(`Wait ${retryAfterSeconds} seconds before asking for another code.`, {
      retryAfterSeconds,
    });
  }
}

export type SendLimit = 'phone' | 'phone-day' | 'user' | 'ip' | 'network';

const SEND_LIMIT_DETAIL: Record<SendLimit, string> = {
  phone: 'You have asked for too many codes for this number in the last hour.',
  'phone-day': 'This number has been sent as many codes as it may receive today.',
  user: 'Your account has asked for too many codes today.',
  ip: 'Too many codes have been asked for from your address in the last hour.',
  network: "Your network has used its share of today's SMS.",
};

export class SendLimitReachedError extends DomainError {
  readonly code = 'SEND_LIMIT_REACHED';
  readonly status = 429;
  constructor(limit: SendLimit, retryAfterSeconds: number) {
    super(`${SEND_LIMIT_DETAIL[limit]} Try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    });
  }
}

export class VerificationNotFoundError extends DomainError {
  readonly code = 'VERIFICATION_NOT_FOUND';
  readonly status = 404;
  constructor() {
    super('There is no verification in progress for this number; ask for a new code.');
  }
}

export class InvalidCodeError extends DomainError {
  readonly code = 'INVALID_CODE';
  readonly status = 400;
  constructor(attemptsLeft: number) {
    super(
      attemptsLeft > 0
        ? `That code is not right. ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left.`
        : 'That code is not right, and no attempts are left: ask for a new code.',
      { attemptsLeft },
    );
  }
}

export class VerificationExpiredError extends DomainError {
  readonly code = 'VERIFICATION_EXPIRED';
  readonly status = 410;
  constructor() {
    super('This code has expired; ask for a new one.');
  }
}

export class TooManyAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  readonly status = 429;
  /** `retryAfterSeconds`: until a new verification (a new code) may be sent for the number. */
  constructor(retryAfterSeconds: number) {
    super(
      `Too many wrong codes: this code can no longer be used. Ask for a new code (a new verification), ` +
        `possible in ${retryAfterSeconds} seconds; checking again will not help.`,
      { retryAfterSeconds },
    );
  }
}
