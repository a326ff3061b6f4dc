/** One SMS to send. */
export interface SmsMessage {
  /** E.164, e.g. `+9779812345678`. */
  to: string;
  text: string;
}

/** What the provider said when it accepted a message (accepted, not necessarily delivered). */
export interface SmsReceipt {
  provider: string;
  providerMessageId?: string;
  acceptedAt: Date;
  providerCode?: string;
  providerMessage?: string;
}

/**
 * The outside world that delivers SMS, and the DI token for it: a factory provider in SmsModule
 * picks the adapter from `SMS_GATEWAY`; tests swap it with `overrideProvider(SmsGateway)`.
 * `send` resolves with a receipt or rejects with SmsRejectedError / SmsUnavailableError only.
 */
export abstract class SmsGateway {
  abstract readonly provider: string;
  abstract send(message: SmsMessage): Promise<SmsReceipt>;
}
