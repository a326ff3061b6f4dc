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
}

/** Sparrow answered and refused: nothing went out (502; no cooldown, quota or budget spent). */
const REFUSALS: Fault[] = [
  { name: 'refusal 1002 (invalid token)', reply: sparrowReplies.refuse(1002) },
  { name: 'refusal 1013 (insufficient credits)', reply: sparrowReplies.refuse(1013) },
];

/**
 * The request went out and no trustworthy answer came: the SMS may be on its way, so it counts
 * (503 with Retry-After: the cooldown), and its code is kept.
 */
const UNKNOWN: Fault[] = [
  { name: 'HTTP 500', reply: sparrowReplies.serverError(500) },
  { name: 'HTML garbage with HTTP 200', reply: sparrowReplies.html() },
  {
    name: `an answer slower than SPARROW_TIMEOUT_MS (${TIMEOUT_MS} ms)`,
    reply: sparrowReplies.slow(TIMEOUT_MS + 700),
  },
  { name: 'a body dripping slower than the timeout', reply: sparrowReplies.drip(100) },
  { name: 'connection reset after the request was read', reply: sparrowReplies.reset() },
];

/** The digits an SMS text starts with: the code the service generated for that send. */
const codeIn = (text: string) => /^\d+/.exec(text)?.[0] ?? '';

/**
 * The real Sparrow adapter against a fake Sparrow server that fails on cue (API.md, "Gateway
 * outcomes"). After a refusal the caller can retry at once: no cooldown started, no quota or
 * budget spent, no usable code left. After an unknown outcome the send counts like a sent one.
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
        // circuits are not the subject here (see sms-gateways.e2e-spec)
        SMS_GATEWAY_FAILURE_THRESHOLD: '1000',
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

  it.each(REFUSALS)(
    '$name → 502 SMS_GATEWAY_ERROR, then an immediate retry works',
    async (fault) => {
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
          status: 502,
          code: 'SMS_GATEWAY_ERROR',
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
      expect(sent.body).toMatchObject({
        status: 'pending',
        attemptsLeft: t.config.otp.maxAttempts,
      });
      const code = codeIn(sparrow.smsRequests.at(-1)?.fields.text ?? '');
      await checkCode(t.url, user.accessToken, phone, code).expect(200);
      expect(await budgetUsed()).toBe(budgetBefore + 1);
    },
  );

  it.each(UNKNOWN)(
    '$name → 503 SMS_GATEWAY_UNAVAILABLE with Retry-After; the SMS counts and its code works',
    async (fault) => {
      const user = await registerUser(t.url);
      const phone = uniquePhone();
      const budgetBefore = await budgetUsed();
      sparrow.respondNextWith(fault.reply);
      const started = performance.now();
      const res = await startVerification(t.url, user.accessToken, phone).expect(503);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
      const cooldown = t.config.otp.resendCooldownSeconds;
      expect(res.body).toMatchObject({
        code: 'SMS_GATEWAY_UNAVAILABLE',
        retryAfterSeconds: cooldown,
        detail: expect.stringContaining('may still arrive'),
      });
      expect(res.headers['retry-after']).toBe(String(cooldown));
      expect(JSON.stringify(res.body)).not.toMatch(
        new RegExp(`${TOKEN}|Sparrow|response_code|<html`, 'i'),
      );
      // it counts against the budget and the cooldown, and nothing was sent a second time
      expect(await budgetUsed()).toBe(budgetBefore + 1);
      expect(sparrow.smsRequests).toHaveLength(1);
      const again = await startVerification(t.url, user.accessToken, phone).expect(429);
      expect(again.body.code).toBe('RESEND_COOLDOWN');
      expect(sparrow.smsRequests).toHaveLength(1);
      // if the SMS arrives, its code works
      const code = codeIn(sparrow.smsRequests[0].fields.text);
      await checkCode(t.url, user.accessToken, phone, code).expect(200);
    },
  );

  it('unknown outcomes count against the per-number limit: no more SMS than it allows reach a number', async () => {
    const phone = uniquePhone();
    const user = await registerUser(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < PER_PHONE_PER_HOUR + 2; i += 1) {
      sparrow.respondNextWith(sparrowReplies.serverError(500));
      statuses.push((await startVerification(t.url, user.accessToken, phone)).status);
      t.clock.advance(t.config.otp.ttlSeconds + 1); // past the cooldown and the code's life
    }
    expect(statuses).toEqual([...Array<number>(PER_PHONE_PER_HOUR).fill(503), 429, 429]);
    expect(sparrow.smsRequests).toHaveLength(PER_PHONE_PER_HOUR);
  });

  it('a resend refused by Sparrow starts no cooldown, and its code never works', async () => {
    const user = await registerUser(t.url);
    const phone = uniquePhone();
    const first = await startVerification(t.url, user.accessToken, phone).expect(201);
    const firstCode = codeIn(sparrow.smsRequests.at(-1)?.fields.text ?? '');

    // once the resend cooldown has passed, a resend is refused by the gateway …
    t.clock.advance(t.config.otp.resendCooldownSeconds);
    sparrow.respondNextWith(sparrowReplies.refuse(1013));
    await startVerification(t.url, user.accessToken, phone).expect(502);
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

  it("Sparrow's port closed → 503, not reached: nothing counts, a retry may go at once", async () => {
    const closed = new FakeSparrowServer({ token: TOKEN });
    await closed.start();
    await closed.stop();
    const app = await createTestApp({
      realSmsGateway: true,
      database: t.database,
      env: { ...sparrow.appEnv(), SPARROW_BASE_URL: closed.url },
    });
    try {
      const user = await registerUser(app.url);
      const phone = uniquePhone();
      const budgetBefore = await budgetUsed();
      const res = await startVerification(app.url, user.accessToken, phone).expect(503);
      expect(res.body.code).toBe('SMS_GATEWAY_UNAVAILABLE');
      expect(res.body.detail).toMatch(/nothing was sent/);
      expect(res.headers['retry-after']).toBeUndefined();
      expect(await budgetUsed()).toBe(budgetBefore);
      // no cooldown: the same request, now to the working Sparrow, goes out at once
      await startVerification(t.url, user.accessToken, phone).expect(201);
    } finally {
      await app.close();
    }
  });
});
