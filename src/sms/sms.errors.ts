import { DomainError } from '../common/errors/domain-error';
import type { RefusalCause } from './gateways/sms-gateway';

/** Every gateway tried refused the SMS (502 SMS_GATEWAY_ERROR); nothing was sent. */
export class SmsGatewayError extends DomainError {
  readonly code = 'SMS_GATEWAY_ERROR';
  readonly status = 502;
  constructor(cause: RefusalCause) {
    super(
      cause === 'number'
        ? 'The SMS provider refused to send to this number. Check the number and try again.'
        : 'The SMS provider refused the message; try again later.',
    );
  }
}

/**
 * No SMS could be handed over (503 SMS_GATEWAY_UNAVAILABLE). Either no gateway was reached, so
 * nothing was sent and nothing counts, or the outcome is unknown: the SMS may still arrive, its
 * code will then work, and the send counted (Retry-After: the cooldown).
 */
export class SmsGatewayUnavailableError extends DomainError {
  readonly code = 'SMS_GATEWAY_UNAVAILABLE';
  readonly status = 503;

  private constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(detail, extensions);
  }

  static unreached(): SmsGatewayUnavailableError {
    return new SmsGatewayUnavailableError(
      'The SMS provider cannot be reached; nothing was sent. Try again shortly.',
    );
  }

  static outcomeUnknown(retryAfterSeconds: number): SmsGatewayUnavailableError {
    return new SmsGatewayUnavailableError(
      `The SMS provider did not confirm the message: it may still arrive, and if it does its code works. ` +
        `It counts as a sent code: wait ${retryAfterSeconds} seconds before asking for another.`,
      { retryAfterSeconds },
    );
  }
}
