import { FakeSparrowServer } from '../test/fakes/fake-sparrow-server';

/**
 * The fake Sparrow SMS server on loopback, read like a phone's inbox: the code of the last SMS
 * each number received. The app's real Sparrow adapter posts to it over HTTP.
 */
export const SPARROW_TOKEN = 'bench-sparrow-token';
export const SPARROW_FROM = 'BenchSMS';

// The text starts with the code: "123456 is your <brand> verification code. …"
const LEADING_CODE = /^(\d{4,10}) /;

export class SmsInbox {
  readonly server = new FakeSparrowServer({ token: SPARROW_TOKEN, credits: 1_000_000 });
  private readonly codes = new Map<string, string>();
  private received = 0;

  async start(): Promise<string> {
    const { url } = await this.server.start();
    return url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** SMS posts seen so far. */
  get smsCount(): number {
    this.drain();
    return this.received;
  }

  /** The latest code sent to a national number (`984…`), if any. */
  codeFor(national: string): string | undefined {
    this.drain();
    return this.codes.get(national);
  }

  /** Moves recorded posts into the code map, so a long run does not keep every request body. */
  drain(): void {
    const requests = this.server.requests;
    for (const request of requests) {
      if (request.path !== '/v2/sms/') continue;
      this.received++;
      const code = LEADING_CODE.exec(request.fields.text ?? '')?.[1];
      if (code && request.fields.to) this.codes.set(request.fields.to, code);
    }
    requests.length = 0;
  }
}
