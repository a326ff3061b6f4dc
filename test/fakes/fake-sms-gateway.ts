import { setTimeout as sleep } from 'node:timers/promises';
import { SmsGateway, SmsMessage, SmsOutcome } from '../../src/sms/gateways/sms-gateway';

/**
 * How the next send ends, as a real gateway can end it: refused for the number (502, nothing
 * counts), refused for the account or not reached (a failover case; alone, 502 / 503 and nothing
 * counts), or unknown (the SMS went out but the answer was lost: it counts, and it arrives).
 */
export type FakeSmsFailure = 'refused' | 'refused-account' | 'unreached' | 'unknown';

/**
 * An SmsGateway that delivers into memory: tests read the code a user would have received, and
 * can make the next sends end the way the real gateways do.
 */
export class FakeSmsGateway extends SmsGateway {
  readonly name: string;
  /** Every message that reached the phone, in order (an unknown outcome's message did too). */
  readonly sent: SmsMessage[] = [];
  /** Every call to send, including the ones made to fail. */
  readonly attempted: SmsMessage[] = [];
  /** Milliseconds each send takes before answering, to widen race windows in tests. */
  delayMs = 0;
  private readonly failures: FakeSmsFailure[] = [];

  constructor(name = 'fake') {
    super();
    this.name = name;
  }

  async send(message: SmsMessage): Promise<SmsOutcome> {
    this.attempted.push({ ...message });
    // Taken when the call starts, so "the next send" means the next call even when sends overlap.
    const failure = this.failures.shift();
    if (this.delayMs > 0) await sleep(this.delayMs);
    switch (failure) {
      case 'refused':
        return { kind: 'refused', cause: 'number', providerCode: '1007' };
      case 'refused-account':
        return { kind: 'refused', cause: 'account', providerCode: '1012' };
      case 'unreached':
        return { kind: 'unreached', reason: 'the fake gateway was told to be down' };
      case 'unknown':
        this.sent.push({ ...message });
        return { kind: 'unknown', reason: 'the fake gateway lost its answer' };
      case undefined:
        this.sent.push({ ...message });
        return { kind: 'sent', messageId: `${this.name}-${this.sent.length}` };
    }
  }

  /** The next `times` sends end as `kind` says. */
  failNext(kind: FakeSmsFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(kind);
  }

  /** The last message that reached this E.164 number, if any. */
  lastTo(phone: string): SmsMessage | undefined {
    return this.sent.findLast((message) => message.to === phone);
  }

  /** The codes sent to this E.164 number, oldest first (the digits a message starts with). */
  codesFor(phone: string): string[] {
    return this.sent
      .filter((message) => message.to === phone)
      .map((message) => /^\d+/.exec(message.text)?.[0])
      .filter((code): code is string => code !== undefined);
  }

  /** The latest code sent to this E.164 number; throws when none was, naming who did get one. */
  lastCodeFor(phone: string): string {
    const code = this.codesFor(phone).at(-1);
    if (code === undefined) {
      const recipients = [...new Set(this.sent.map((message) => message.to))];
      throw new Error(
        `No code was sent to ${phone}; codes went to: ${recipients.join(', ') || 'nobody'}`,
      );
    }
    return code;
  }

  /** Forget every message, pending failure and delay. */
  clear(): void {
    this.sent.length = 0;
    this.attempted.length = 0;
    this.failures.length = 0;
    this.delayMs = 0;
  }
}
