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
