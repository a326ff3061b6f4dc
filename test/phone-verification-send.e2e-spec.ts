import request from 'supertest';
import { registerUser } from './support/accounts';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import { checkCode, e164, startVerification, uniquePhone } from './support/verification-flow';

const LIMITS = {
  OTP_RESEND_COOLDOWN_SECONDS: '60',
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR: '3',
  OTP_MAX_SENDS_PER_USER_PER_DAY: '4',
  OTP_MAX_SENDS_PER_IP_PER_HOUR: '6',
  OTP_MAX_SMS_PER_PHONE_PER_DAY: '8',
  SMS_DAILY_BUDGET: '1000',
  TRUST_PROXY: 'true',
};

describe('POST /v1/phone-verifications (send)', () => {
  let t: TestApp;
  /** Every response of this block, checked against /docs-json by its last test. */
  const conformance = new OpenApiConformance();
  beforeAll(async () => {
    t = await createTestApp({ recorder: conformance, env: LIMITS });
  });
  afterAll(() => t.close());
  beforeEach(() => t.sms.clear());

  async function user() {
    return registerUser(t.url);
  }

  /** Each test sends from its own address, so the per-IP limit only bites where a test wants it to. */
  let ipCounter = 0;
  const freshIp = () => ({ 'x-forwarded-for': `203.0.113.${++ipCounter}` });

  it('starts a pending verification and sends one SMS with a code of OTP_LENGTH digits', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    const res = await startVerification(t.url, accessToken, phone, freshIp()).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      phone: e164(phone),
      channel: 'sms',
      status: 'pending',
      attemptsLeft: 5,
      expiresAt: new Date(t.clock.now().getTime() + 600_000).toISOString(),
      resendAvailableAt: new Date(t.clock.now().getTime() + 60_000).toISOString(),
      createdAt: t.clock.now().toISOString(),
      approvedAt: null,
    });
    expect(t.sms.sent).toHaveLength(1);
    expect(t.sms.sent[0].to).toBe(e164(phone));
    expect(t.sms.lastCodeFor(e164(phone))).toMatch(/^\d{6}$/);
    expect(t.sms.sent[0].text).toBe(
      `${t.sms.lastCodeFor(e164(phone))} is your Example verification code. It expires in 10 minutes.`,
    );
  });

  it('never returns the code in the response', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    const res = await startVerification(t.url, accessToken, phone, freshIp()).expect(201);
    expect(JSON.stringify(res.body)).not.toContain(t.sms.lastCodeFor(e164(phone)));
  });

  it.each([
    ['+977 9841234560', '+9779841234560'],
    ['00977-984-123-4561', '+9779841234561'],
    ['(+977) 984.123.4562', '+9779841234562'],
    ['९८४१२३४५६३', '+9779841234563'],
  ])('accepts %s as %s', async (input, expected) => {
    const { accessToken } = await user();
    const res = await startVerification(t.url, accessToken, input, freshIp()).expect(201);
    expect(res.body.phone).toBe(expected);
    expect(t.sms.sent.at(-1)?.to).toBe(expected);
  });

  it.each([
    ['a landline', '01-4123456'],
    ['another country', '+91 98123 45678'],
    ['letters', '98123abc78'],
    ['a short number', '98123456'],
    ['a long number', '981234567890'],
    ['an operator outside PHONE_ALLOWED_OPERATORS (SMART)', '9611234567'],
  ])('refuses %s with 400 INVALID_PHONE', async (_what, input) => {
    const { accessToken } = await user();
    const res = await startVerification(t.url, accessToken, input, freshIp()).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'INVALID_PHONE', errors: [{ field: 'phone' }] });
    expect(t.sms.sent).toHaveLength(0);
  });

  it.each([
    ['a number instead of a string', { phone: 9841234567 }],
    ['a missing phone', {}],
    ['an unknown field', { phone: '9841234567', username: 'someone-else' }],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_what, body) => {
    const { accessToken } = await user();
    const res = await request(t.url)
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${accessToken}`)
      .send(body)
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(t.sms.sent).toHaveLength(0);
  });

  it('requires an access token', async () => {
    const res = await request(t.url)
      .post('/v1/phone-verifications')
      .send({ phone: uniquePhone() })
      .expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  describe('sending again', () => {
    it('waits for the cooldown, then sends a new code on the same verification and retires the old one', async () => {
      const { accessToken } = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      const first = await startVerification(t.url, accessToken, phone, ip).expect(201);
      const oldCode = t.sms.lastCodeFor(e164(phone));

      t.clock.advance(20);
      const early = await startVerification(t.url, accessToken, phone, ip).expect(429);
      expect(early.body).toMatchObject({ code: 'RESEND_COOLDOWN', retryAfterSeconds: 40 });
      expect(early.headers['retry-after']).toBe('40');

      t.clock.advance(40);
      const again = await startVerification(t.url, accessToken, phone, ip).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(t.sms.codesFor(e164(phone))).toHaveLength(2);
      const newCode = t.sms.lastCodeFor(e164(phone));

      if (oldCode !== newCode) {
        const stale = await checkCode(t.url, accessToken, phone, oldCode).expect(400);
        expect(stale.body.code).toBe('INVALID_CODE');
      }
      await checkCode(t.url, accessToken, phone, newCode).expect(200);
    });

    it('does not reset attemptsLeft', async () => {
      const { accessToken } = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      await startVerification(t.url, accessToken, phone, ip).expect(201);
      const code = t.sms.lastCodeFor(e164(phone));
      const wrong = code === '000000' ? '111111' : '000000';
      await checkCode(t.url, accessToken, phone, wrong).expect(400);
      await checkCode(t.url, accessToken, phone, wrong).expect(400);
      t.clock.advance(61);
      const again = await startVerification(t.url, accessToken, phone, ip).expect(201);
      expect(again.body.attemptsLeft).toBe(3);
    });

    it('starting another number cancels the pending verification', async () => {
      const { accessToken } = await user();
      const [first, second] = [uniquePhone(), uniquePhone('980')];
      const ip = freshIp();
      const a = await startVerification(t.url, accessToken, first, ip).expect(201);
      const firstCode = t.sms.lastCodeFor(e164(first));
      const b = await startVerification(t.url, accessToken, second, ip).expect(201);
      expect(b.body.id).not.toBe(a.body.id);
      const old = await request(t.url)
        .get(`/v1/phone-verifications/${a.body.id}`)
        .set('authorization', `Bearer ${accessToken}`)
        .expect(200);
      expect(old.body.status).toBe('canceled');
      await checkCode(t.url, accessToken, first, firstCode).expect(404);
    });

    it('starts a new verification once the pending one has expired', async () => {
      const { accessToken } = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      const first = await startVerification(t.url, accessToken, phone, ip).expect(201);
      t.clock.advance(601);
      const second = await startVerification(t.url, accessToken, phone, ip).expect(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.status).toBe('pending');
    });
  });

  describe('numbers already verified', () => {
    it('answers 409 PHONE_ALREADY_VERIFIED for your own verified number and 409 PHONE_IN_USE for another account', async () => {
      const owner = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      await startVerification(t.url, owner.accessToken, phone, ip).expect(201);
      await checkCode(t.url, owner.accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
      t.sms.clear();

      const mine = await startVerification(t.url, owner.accessToken, phone, ip).expect(409);
      expect(mine.body.code).toBe('PHONE_ALREADY_VERIFIED');
      const other = await user();
      const theirs = await startVerification(t.url, other.accessToken, phone, ip).expect(409);
      expect(theirs.body.code).toBe('PHONE_IN_USE');
      expect(t.sms.sent).toHaveLength(0);

      await request(t.url)
        .delete('/v1/users/me/phone')
        .set('authorization', `Bearer ${owner.accessToken}`)
        .expect(204);
      await startVerification(t.url, other.accessToken, phone, ip).expect(201);
    });

    /** A number verified on some account, through the API. */
    async function registeredNumber(): Promise<string> {
      const owner = await user();
      const phone = uniquePhone();
      await startVerification(t.url, owner.accessToken, phone, freshIp()).expect(201);
      await checkCode(t.url, owner.accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
      return phone;
    }

    it('limits before answers: an account over its own limit gets its 429, never a 409 that tells a registered number', async () => {
      const registered = await registeredNumber();
      const { accessToken } = await user();
      const ip = freshIp();
      for (let i = 0; i < 4; i += 1) {
        await startVerification(t.url, accessToken, uniquePhone(), ip).expect(201);
        t.clock.advance(1);
      }
      const probe = await startVerification(t.url, accessToken, registered, ip).expect(429);
      expect(probe.body.code).toBe('SEND_LIMIT_REACHED');
      expect(probe.headers['retry-after']).toBeDefined();
    });

    it('each PHONE_IN_USE answer counts as a send: probing stops at the account limit', async () => {
      const numbers = await Promise.all([1, 2, 3, 4, 5].map(() => registeredNumber()));
      const { accessToken } = await user();
      const statuses: number[] = [];
      for (const phone of numbers) {
        statuses.push((await startVerification(t.url, accessToken, phone, freshIp())).status);
      }
      expect(statuses).toEqual([409, 409, 409, 409, 429]);
      expect(t.sms.sent.filter((m) => numbers.map(e164).includes(m.to))).toHaveLength(5);
      // the answers counted against the account only, never against the numbers or the budget
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM sms_messages WHERE status = 'answered' AND provider = 'none'`,
      );
      expect(row.n).toBeGreaterThanOrEqual(4);
    });

    it('each answer counts against the client IP too (across accounts)', async () => {
      const numbers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => registeredNumber()));
      const ip = freshIp();
      const statuses: number[] = [];
      for (const phone of numbers) {
        const { accessToken } = await user();
        statuses.push((await startVerification(t.url, accessToken, phone, ip)).status);
      }
      expect(statuses).toEqual([409, 409, 409, 409, 409, 409, 429]);
    });

    it('PHONE_ALREADY_VERIFIED counts as a send too', async () => {
      const owner = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      await startVerification(t.url, owner.accessToken, phone, ip).expect(201);
      await checkCode(t.url, owner.accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push((await startVerification(t.url, owner.accessToken, phone, ip)).status);
      }
      expect(statuses).toEqual([409, 409, 409, 429]);
    });
  });

  describe('limits', () => {
    it('caps the codes one account has sent to one number per hour, with the real wait', async () => {
      const phone = uniquePhone();
      const { accessToken } = await user();
      const ip = freshIp();
      for (let i = 0; i < 3; i += 1) {
        await startVerification(t.url, accessToken, phone, ip).expect(201);
        t.clock.advance(601); // past the cooldown and the code's life: a new verification each time
      }
      const refused = await startVerification(t.url, accessToken, phone, ip).expect(429);
      expect(refused.body.code).toBe('SEND_LIMIT_REACHED');
      // the first of the three was sent 1803 s ago: it leaves the hour in 1797 s
      expect(refused.body.retryAfterSeconds).toBe(1797);
      expect(refused.headers['retry-after']).toBe('1797');
      t.clock.advance(1797);
      await startVerification(t.url, accessToken, phone, ip).expect(201);
    });

    it('no lock-out by others: a sixth account still gets a code for a number five others each sent one to', async () => {
      const phone = uniquePhone();
      const others = await Promise.all([1, 2, 3, 4, 5].map(() => user()));
      for (const other of others) {
        await startVerification(t.url, other.accessToken, phone, freshIp()).expect(201);
      }
      const owner = await user();
      await startVerification(t.url, owner.accessToken, phone, freshIp()).expect(201);
      await checkCode(t.url, owner.accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
    });

    it('caps the SMS one number receives per UTC day from all accounts, until the next UTC day', async () => {
      t.clock.set(new Date('2026-12-02T20:00:00.000Z'));
      const phone = uniquePhone();
      const senders = await Promise.all(Array.from({ length: 9 }, () => user()));
      for (const sender of senders.slice(0, 8)) {
        await startVerification(t.url, sender.accessToken, phone, freshIp()).expect(201);
      }
      const capped = await startVerification(
        t.url,
        senders[8].accessToken,
        phone,
        freshIp(),
      ).expect(429);
      expect(capped.body).toMatchObject({
        code: 'SEND_LIMIT_REACHED',
        retryAfterSeconds: 4 * 3600,
      });
      expect(capped.body.detail).toMatch(/as many codes as it may receive today/);
      t.clock.set(new Date('2026-12-03T00:00:00.000Z'));
      await startVerification(t.url, senders[8].accessToken, phone, freshIp()).expect(201);
    });

    it('caps sends per user per day', async () => {
      const { accessToken } = await user();
      for (let i = 0; i < 4; i += 1) {
        await startVerification(t.url, accessToken, uniquePhone(), freshIp()).expect(201);
      }
      const refused = await startVerification(t.url, accessToken, uniquePhone(), freshIp()).expect(
        429,
      );
      expect(refused.body).toMatchObject({ code: 'SEND_LIMIT_REACHED', retryAfterSeconds: 86_400 });
    });

    it('caps sends per client IP per hour, reading X-Forwarded-For only because TRUST_PROXY is on', async () => {
      const ip = freshIp();
      for (let i = 0; i < 6; i += 1) {
        const { accessToken } = await user();
        await startVerification(t.url, accessToken, uniquePhone(), ip).expect(201);
      }
      const { accessToken } = await user();
      const refused = await startVerification(t.url, accessToken, uniquePhone(), ip).expect(429);
      expect(refused.body.code).toBe('SEND_LIMIT_REACHED');
      await startVerification(t.url, accessToken, uniquePhone(), freshIp()).expect(201);
    });

    it('counts an IPv6 client by its /64: six addresses of one /64 share the per-IP limit', async () => {
      const slash64 = `2001:db8:${(++ipCounter).toString(16)}:42`;
      for (let i = 1; i <= 6; i += 1) {
        const { accessToken } = await user();
        const address = { 'x-forwarded-for': `${slash64}::${i.toString(16)}` };
        await startVerification(t.url, accessToken, uniquePhone(), address).expect(201);
      }
      const { accessToken } = await user();
      const sameNetwork = { 'x-forwarded-for': `${slash64}:ffff:ffff:ffff:fffe` };
      const refused = await startVerification(t.url, accessToken, uniquePhone(), sameNetwork);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('SEND_LIMIT_REACHED');
      const nextNetwork = { 'x-forwarded-for': `${slash64.slice(0, -2)}43::1` };
      await startVerification(t.url, accessToken, uniquePhone(), nextNetwork).expect(201);
    });
  });

  describe('gateway failures', () => {
    it.each([
      ['refused', 502, 'SMS_GATEWAY_ERROR'],
      ['unreached', 503, 'SMS_GATEWAY_UNAVAILABLE'],
    ] as const)(
      '%s → %i %s; no cooldown, no quota spent, no usable code, retry works at once',
      async (kind, status, code) => {
        const { accessToken } = await user();
        const phone = uniquePhone();
        const ip = freshIp();
        t.sms.failNext(kind);
        const failed = await startVerification(t.url, accessToken, phone, ip).expect(status);
        expect(failed.body.code).toBe(code);
        expect(t.sms.sent).toHaveLength(0);
        // no verification was left behind to check a code against
        await checkCode(t.url, accessToken, phone, '123456').expect(404);
        // no cooldown started: the user can retry at once, and it is a fresh verification with every attempt
        const retried = await startVerification(t.url, accessToken, phone, ip).expect(201);
        expect(retried.body.attemptsLeft).toBe(5);
        const counted = await t.dataSource.query(
          `SELECT status, count(*)::int AS n FROM sms_messages WHERE to_phone = $1 GROUP BY status ORDER BY status`,
          [e164(phone)],
        );
        expect(counted).toEqual([
          { status: 'failed', n: 1 },
          { status: 'sent', n: 1 },
        ]);
      },
    );

    it('a failed resend keeps the earlier code valid and starts no cooldown', async () => {
      const { accessToken } = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      await startVerification(t.url, accessToken, phone, ip).expect(201);
      const firstCode = t.sms.lastCodeFor(e164(phone));
      t.clock.advance(61);
      t.sms.failNext('unreached');
      await startVerification(t.url, accessToken, phone, ip).expect(503);
      await startVerification(t.url, accessToken, phone, ip).expect(201);
      const secondCode = t.sms.lastCodeFor(e164(phone));
      if (secondCode !== firstCode)
        await checkCode(t.url, accessToken, phone, firstCode).expect(400);
      await checkCode(t.url, accessToken, phone, secondCode).expect(200);
    });

    it('an unknown outcome counts: 503 with Retry-After (the cooldown) and a detail saying the SMS may arrive; its code works', async () => {
      const { accessToken } = await user();
      const phone = uniquePhone();
      const ip = freshIp();
      t.sms.failNext('unknown');
      const unknown = await startVerification(t.url, accessToken, phone, ip).expect(503);
      expect(unknown.body).toMatchObject({
        code: 'SMS_GATEWAY_UNAVAILABLE',
        retryAfterSeconds: 60,
        detail: expect.stringMatching(/may still arrive.*its code works/),
      });
      expect(unknown.headers['retry-after']).toBe('60');
      // it counts: the row stays counted and the cooldown runs as after a sent SMS
      const [row] = await t.dataSource.query(
        'SELECT status, outcome FROM sms_messages WHERE to_phone = $1',
        [e164(phone)],
      );
      expect(row).toEqual({ status: 'unknown', outcome: 'unknown' });
      const again = await startVerification(t.url, accessToken, phone, ip).expect(429);
      expect(again.body.code).toBe('RESEND_COOLDOWN');
      // the SMS did arrive: its code verifies
      await checkCode(t.url, accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
    });
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 20);
  });
});

describe('the daily SMS budget', () => {
  let t: TestApp;
  /** Every response of this block, checked against /docs-json by its last test. */
  const conformance = new OpenApiConformance();
  beforeAll(async () => {
    t = await createTestApp({
      recorder: conformance,
      env: { SMS_DAILY_BUDGET: '2', TRUST_PROXY: 'true' },
    });
  });
  afterAll(() => t.close());

  it('answers 503 SMS_BUDGET_EXHAUSTED with Retry-After until the next UTC day, and a failed send gives its slot back', async () => {
    t.clock.set(new Date('2026-11-22T23:00:00.000Z'));
    const users = await Promise.all([1, 2, 3].map(() => registerUser(t.url)));
    t.sms.failNext('unreached');
    await startVerification(t.url, users[0].accessToken, uniquePhone(), {
      'x-forwarded-for': '198.51.100.1',
    }).expect(503);
    await startVerification(t.url, users[0].accessToken, uniquePhone(), {
      'x-forwarded-for': '198.51.100.1',
    }).expect(201);
    await startVerification(t.url, users[1].accessToken, uniquePhone(), {
      'x-forwarded-for': '198.51.101.2',
    }).expect(201);
    const refused = await startVerification(t.url, users[2].accessToken, uniquePhone(), {
      'x-forwarded-for': '198.51.102.3',
    }).expect(503);
    expect(refused.body).toMatchObject({ code: 'SMS_BUDGET_EXHAUSTED', retryAfterSeconds: 3600 });
    expect(refused.headers['retry-after']).toBe('3600');
    t.clock.advance(3600);
    await startVerification(t.url, users[2].accessToken, uniquePhone(), {
      'x-forwarded-for': '198.51.102.3',
    }).expect(201);
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 3);
  });
});
