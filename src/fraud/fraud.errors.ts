import { DomainError } from '../common/errors/domain-error';

export class BlockNotFoundError extends DomainError {
  readonly code = 'BLOCK_NOT_FOUND';
  readonly status = 404;
  constructor() {
    super('There is no block with this id.');
  }
}

export class AllowlistEntryNotFoundError extends DomainError {
  readonly code = 'ALLOWLIST_ENTRY_NOT_FOUND';
  readonly status = 404;
  constructor() {
    super('There is no allowlist entry with this id.');
  }
}

export class AlreadyAllowlistedError extends DomainError {
  readonly code = 'ALREADY_ALLOWLISTED';
  readonly status = 409;
  constructor() {
    super('This number or prefix is already on the allowlist.');
  }
}

/** 403 PHONE_BLOCKED: the number or its prefix is blocked (by an operator or the fraud guard). */
export class PhoneBlockedError extends DomainError {
  readonly code = 'PHONE_BLOCKED';
  readonly status = 403;
  constructor(retryAfterSeconds: number) {
    super(
      `Codes cannot be sent to this number right now. Try again in ${retryAfterSeconds} seconds.`,
      {
        retryAfterSeconds,
      },
    );
  }
}

/** Where a client fetches a proof-of-work challenge (API.md). */
export const CHALLENGE_URL = '/v1/challenges';

/** 428 CHALLENGE_REQUIRED: this send needs a solved proof-of-work challenge; no SMS was sent. */
export class ChallengeRequiredError extends DomainError {
  readonly code = 'CHALLENGE_REQUIRED';
  readonly status = 428;
  constructor() {
    super(
      `This send needs a solved proof-of-work challenge: fetch one from ${CHALLENGE_URL}, solve it, and send it as \`challenge\`.`,
      { challengeUrl: CHALLENGE_URL },
    );
  }
}
