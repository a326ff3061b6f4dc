import { DomainError } from '../common/errors/domain-error';

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  constructor() {
    super('This account is not an operator of this service.');
  }
}
