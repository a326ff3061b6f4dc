import { DomainError } from '../common/errors/domain-error';

/**
 * What the provider told us, for the delivery log and operator logs. Kept as plain properties,
 * never as problem `extensions`: clients must not see provider internals.
 */
export interface SmsProviderDetails {
  providerCode?: string;
  providerMessage?: string;
}

/** The gateway answered and refused the message (bad token, no credits, invalid number …). */
export class SmsRejectedError extends DomainError {
  readonly code = 'SMS_GATEWAY_ERROR';
  readonly status = 502;
  readonly providerCode?: string;
  readonly providerMessage?: string;

  constructor(details: SmsProviderDetails = {}) {
    super('The SMS provider refused the message.');
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
  }
}

/**
 * The gateway could not be asked or gave no usable answer (timeout, connection error, 5xx,
 * unreadable body). The message may or may not have gone out.
 */
export class SmsUnavailableError extends DomainError {
  readonly code = 'SMS_GATEWAY_UNAVAILABLE';
  readonly status = 503;
  readonly providerCode?: string;
  readonly providerMessage?: string;

  constructor(details: SmsProviderDetails = {}) {
    super('The SMS provider cannot be reached; try again shortly.');
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
  }
}
