import type { SmsGatewayName } from '../../config/environment';

export type GatewayName = SmsGatewayName;

/** One SMS to send. */
export interface SmsMessage {
  /** E.164, e.g. `+9779812345678`. */
  to: string;
  text: string;
}

/** Why a gateway refused: the number itself, the account (credentials, balance, sender…), or something else about the request. */
export type RefusalCause = 'number' | 'account' | 'other';

/**
 * What became of one send. Texts (`providerMessage`, `reason`) are safe to log and store: never
 * the token, the message text, the code or the full number.
 */
export type SmsOutcome =
  | {
      kind: 'sent';
      messageId?: string;
      network?: string;
      providerCode?: string;
      providerMessage?: string;
    }
  | { kind: 'refused'; cause: RefusalCause; providerCode?: string; providerMessage?: string }
  /** The request never left this process (connection refused, DNS failure, nothing written): safe to try elsewhere. */
  | { kind: 'unreached'; reason: string }
  /** Written, but no trustworthy answer (timeout after sending, 5xx, unreadable body): the SMS may be on its way. */
  | { kind: 'unknown'; reason: string; providerCode?: string };

/**
 * One SMS vendor. The routing in front of the adapters decides what an outcome means for the
 * caller (failover, circuits, limits); an adapter only reports what happened, once per call.
 */
export abstract class SmsGateway {
  /** A configured gateway's name (GatewayName), or a test double's. */
  abstract readonly name: string;
  /** Never rejects: every failure is an outcome. */
  abstract send(message: SmsMessage): Promise<SmsOutcome>;
  /** The account's credit balance when the vendor's API tells it, else undefined. Never rejects. */
  balance(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }
}
