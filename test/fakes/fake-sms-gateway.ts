import { setTimeout as sleep } from 'node:timers/promises';
import { Clock, SystemClock } from '../../src/common/clock';
import { SmsGateway, SmsMessage, SmsReceipt } from '../../src/sms/sms-gateway';
import { SmsRejectedError, SmsUnavailableError } from '../../src/sms/sms.errors';

export type FakeSmsFailure = 'rejected' | 'unavailable';

/**
 * An SmsGateway that delivers into memory: tests read the code a user would have received, and
 * can make the next sends fail the way the real gateways do (with the same two error classes).
 */
export class FakeSmsGateway extends SmsGateway {
  readonly provider = 'fake';
  /** Every message accepted, in order. Failed sends are not here. */
  readonly sent: SmsMessage[] = [];
  /** Every call to send, including the ones made to fail. */
  readonly attempted: SmsMessage[] = [];
  /** Milliseconds each send takes before answering, to widen race windows in tests. */
  delayMs = 0;
  private readonly failures: FakeSmsFailure[] = [];

  constructor(private readonly clock: Clock = new SystemClock()) {
    super();
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    this.attempted.push({ ...message });
    // Taken when the call starts, so "the next send" means the next call even when sends overlap.
    const failure = this.failures.shift();
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (failure === 'rejected') {
      throw new SmsRejectedError({ providerCode: '1007', providerMessage: 'Invalid Receiver' });
    }
    if (failure === 'unavailable') {
      throw new SmsUnavailableError({ providerMessage: 'the fake gateway was told to be down' });
    }
    this.sent.push({ ...message });
    return {
      provider: this.provider,
      providerMessageId: `fake-${this.sent.length}`,
      acceptedAt: this.clock.now(),
    };
  }

  /** The next `times` sends fail with SmsRejectedError (502) or SmsUnavailableError (503). */
  failNext(kind: FakeSmsFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(kind);
  }

  /** The last message accepted for this E.164 number, if any. */
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
