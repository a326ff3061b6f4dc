/**
 * An error the API promises to clients: a stable `code`, an HTTP status, a human `detail`, and
 * optional extension members (e.g. `attemptsLeft`). Feature modules extend it; the global
 * ProblemDetailsFilter turns it into an RFC 9457 problem document.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;

  constructor(
    readonly detail: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    // An expected outcome (a wrong code, a limit), answered to the client and never debugged from
    // a stack, whose capture costs CPU on every refusal (docs/performance.md, Findings).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
  }

  /** Seconds a client should wait before retrying; sent as `Retry-After` and `retryAfterSeconds`. */
  get retryAfterSeconds(): number | undefined {
    const value = this.extensions.retryAfterSeconds;
    return typeof value === 'number' ? value : undefined;
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(detail, { errors });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  readonly status = 401;
  constructor(detail = 'A valid access token is required.') {
    super(detail);
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code: string;
  readonly status = 503;
  constructor(code: string, detail: string, retryAfterSeconds?: number) {
    super(detail, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
    this.code = code;
  }
}
