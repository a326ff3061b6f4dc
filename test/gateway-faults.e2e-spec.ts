import { FakeSparrowServer, SparrowReply, sparrowReplies } from './fakes/fake-sparrow-server';
import { registerUser } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { checkCode, startVerification, uniquePhone } from './support/verification-flow';

const TOKEN = 'gateway-faults-token-9f1c2b';
const TIMEOUT_MS = 300;
const PER_PHONE_PER_HOUR = 3;
/** More failed sends than the per-phone limit allows: had one counted, the last would be refused. */
const FAILED_SENDS = PER_PHONE_PER_HOUR + 1;

interface Fault {
  name: string;
  reply: SparrowReply;
  status: 502 | 503;
  code: 'SMS_GATEWAY_ERROR' | 'SMS_GATEWAY_UNAVAILABLE';
}

const REFUSED = { status: 502, code: 'SMS_GATEWAY_ERROR' } as const;
const UNAVAILABLE = { status: 503, code: 'SMS_GATEWAY_UNAVAILABLE' } as const;

const FAULTS: Fault[] = [
  { name: 'refusal 1002 (invalid token)', reply: sparrowReplies.refuse(1002), ...REFUSED },
  { name: 'refusal 1013 (insufficient credits)', reply: sparrowReplies.refuse(1013), ...REFUSED },
  { name: 'HTTP 500', reply: sparrowReplies.serverError(500), ...UNAVAILABLE },
  { name: 'HTML garbage with HTTP 200', reply: sparrowReplies.html(), ...UNAVAILABLE },
  {
    name: `an answer slower than SPARROW_TIMEOUT_MS (${TIMEOUT_MS} ms)`,
    reply: sparrowReplies.slow(TIMEOUT_MS + 700),
    ...UNAVAILABLE,
  },
  {
    name: 'a body dripping slower than the timeout',
    reply: sparrowReplies.drip(100),
    ...UNAVAILABLE,
  },
  { name: 'connection reset', reply: sparrowReplies.reset(), ...UNAVAILABLE },
];

/** The digits an SMS text starts with: the code the service generated for that send. */
const codeIn = (text: string) => /^\d+/.exec(text)?.[0] ?? '';

/**
 * The real Sparrow adapter against a fake Sparrow server that fails on cue. After any failure the
 * caller can retry at once: no cooldown started, no quota or budget spent, no usable code left.
 */
describe('SMS gateway faults, end to end through the Sparrow adapter', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let t: TestApp;

  beforeAll(async () => {
    await sparrow.start();
    t = await createTestApp({
      realSmsGateway: true,
      env: {
        ...sparrow.appEnv(),
        SPARROW_TIMEOUT_MS: String(TIMEOUT_MS),
        OTP_MAX_SENDS_PER_PHONE_PER_HOUR: String(PER_PHONE_PER_HOUR),
        OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sparrow.stop();
  });
  beforeEach(() => sparrow.reset());

  async function budgetUsed(): Promise<number> {
    const rows = await t.dataSource.query<Array<{ reserved: number }>>(
      'SELECT coalesce(sum(reserved), 0)::int AS reserved FROM sms_daily_usage',
    );
    return rows[0].reserved;
  }

  it.each(FAULTS)('$name → $status $code, then an immediate retry works', async (fault) => {
    const user = await registerUser(t.url);
    const phone = uniquePhone();
    const budgetBefore = await budgetUsed();

    for (let attempt = 1; attempt <= FAILED_SENDS; attempt++) {
      sparrow.respondNextWith(fault.reply);
      const started = performance.now();
      const res = await startVerification(t.url, user.accessToken, phone);
      const ms = performance.now() - started;
      expect({ attempt, status: res.status, code: res.body.code }).toEqual({
        attempt,
        status: fault.status,
        code: fault.code,
      });
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.stringify(res.body)).not.toMatch(
        new RegExp(`${TOKEN}|Sparrow|response_code|<html`, 'i'),
      );
      // bounded by the adapter's timeout, never by the fake's delay (generous room for CI)
      expect(ms).toBeLessThan(TIMEOUT_MS + 1500);

      // Sparrow was asked, with a code: that code must not work, nor leave a verification
      const posted = sparrow.smsRequests.at(-1);
      expect(posted?.fields.to).toBe(phone);
      const failedCode = codeIn(posted?.fields.text ?? '');
      expect(failedCode).toMatch(/^\d{6}$/);
      const check = await checkCode(t.url, user.accessToken, phone, failedCode);
      expect({ attempt, status: check.status, code: check.body.code }).toEqual({
        attempt,
        status: 404,
        code: 'VERIFICATION_NOT_FOUND',
      });
    }
    expect(sparrow.smsRequests).toHaveLength(FAILED_SENDS);
    expect(await budgetUsed()).toBe(budgetBefore);

    // no cooldown, no per-phone quota spent: the next send goes out, and its code works
    const sent = await startVerification(t.url, user.accessToken, phone).expect(201);
    expect(sent.body).toMatchObject({ status: 'pending', attemptsLeft: t.config.otp.maxAttempts });
    const code = codeIn(sparrow.smsRequests.at(-1)?.fields.text ?? '');
    await checkCode(t.url, user.accessToken, phone, code).expect(200);
    expect(await budgetUsed()).toBe(budgetBefore + 1);
  });

  it('a failed resend on a pending verification starts no cooldown, and its code never works', async () => {
    const user = await registerUser(t.url);
    const phone = uniquePhone();
    const first = await startVerification(t.url, user.accessToken, phone).expect(201);
    const firstCode = codeIn(sparrow.smsRequests.at(-1)?.fields.text ?? '');

    // once the resend cooldown has passed, a resend fails at the gateway …
    t.clock.advance(t.config.otp.resendCooldownSeconds);
    sparrow.respondNextWith(sparrowReplies.serverError(503));
    await startVerification(t.url, user.accessToken, phone).expect(503);
    const failedCode = codeIn(sparrow.smsRequests.at(-1)?.fields.text ?? '');

    // … and the next resend goes out at once, on the same verification
    const resent = await startVerification(t.url, user.accessToken, phone).expect(201);
    expect(resent.body.id).toBe(first.body.id);
    const latestCode = codeIn(sparrow.smsRequests.at(-1)?.fields.text ?? '');
    for (const stale of new Set([firstCode, failedCode].filter((c) => c !== latestCode))) {
      const res = await checkCode(t.url, user.accessToken, phone, stale);
      expect(res.body.code).toBe('INVALID_CODE');
    }
    await checkCode(t.url, user.accessToken, phone, latestCode).expect(200);
  });
});
