import { randomInt } from 'node:crypto';
import request from 'supertest';
import { aakashReplies, FakeAakashServer } from './fakes/fake-aakash-server';
import { FakeSparrowServer, sparrowReplies } from './fakes/fake-sparrow-server';
import { registerUser } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

const SPARROW_TOKEN = 'e2e-sparrow-token-7d3f0b9a';
const AAKASH_TOKEN = 'e2e-aakash-token-51c2e8ff';
const TEST_NUMBER = '9800000001';
const TEST_CODE = '246810';

/**
 * Two real gateway adapters against fake Sparrow and Aakash servers over real sockets: failover
 * in SMS_GATEWAY order only where nothing can have arrived, circuits, the three outcomes in the
 * delivery log, and test numbers (API.md: "Gateway outcomes", "Several gateways", "Test numbers").
 */
describe('SMS through two gateways with failover and circuits (fake Sparrow and Aakash over HTTP)', () => {
  const sparrow = new FakeSparrowServer({ token: SPARROW_TOKEN });
  const aakash = new FakeAakashServer({ token: AAKASH_TOKEN });
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all([sparrow.start(), aakash.start()]);
    t = await createTestApp({
      realSmsGateway: true,
      env: {
        ...sparrow.appEnv(),
        SMS_GATEWAY: 'sparrow,aakash',
        AAKASH_BASE_URL: aakash.url,
        AAKASH_TOKEN,
        SPARROW_TIMEOUT_MS: '400',
        AAKASH_TIMEOUT_MS: '400',
        SMS_GATEWAY_FAILURE_THRESHOLD: '5',
        SMS_GATEWAY_OPEN_SECONDS: '30',
        TEST_PHONE_NUMBERS: `${TEST_NUMBER}:${TEST_CODE}`,
        TRUST_PROXY: 'true',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([sparrow.stop(), aakash.stop()]);
  });
  beforeEach(() => {
    sparrow.reset();
    aakash.reset();
  });

  /** A client address of its own per send, so the per-IP limit never interferes. */
  const ip = () => ({ 'x-forwarded-for': `198.51.100.${randomInt(1, 255)}` });
  const user = () => registerUser(t.url);
  const toSparrow = (phone: string) => sparrow.smsRequests.filter((r) => r.fields.to === phone);
  const toAakash = (phone: string) => aakash.smsRequests.filter((r) => r.fields.to === phone);
  const codeIn = (text: string | undefined) => /^\d+/.exec(text ?? '')?.[0] ?? '';
  const logRows = (phone: string) =>
    t.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT provider, status, outcome, refusal_cause, retry_of IS NOT NULL AS retried,
              provider_message_id, network, latency_ms, operator, encoding, segments
         FROM sms_messages WHERE to_phone = $1 ORDER BY completed_at, retry_of NULLS FIRST`,
      [e164(phone)],
    );
  const reservedSlots = async () =>
    Number(
      (
        await t.dataSource.query<Array<{ n: string }>>(
          'SELECT coalesce(sum(reserved), 0) AS n FROM sms_daily_usage',
        )
      )[0].n,
    );

  it('sends through the first gateway and logs who took it, its message id, operator and cost', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone('981');
    await startVerification(t.url, accessToken, phone, ip()).expect(201);
    expect(toSparrow(phone)).toHaveLength(1);
    expect(toAakash(phone)).toHaveLength(0);
    expect(await logRows(phone)).toEqual([
      expect.objectContaining({
        provider: 'sparrow',
        status: 'sent',
        outcome: 'sent',
        refusal_cause: null,
        retried: false,
        operator: 'NCELL',
        encoding: 'gsm7',
        segments: 1,
        latency_ms: expect.any(Number),
      }),
    ]);
  });

  it('Sparrow refusing for credit (1012) → Aakash sends the same code: 201, one SMS in all, the code works', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    sparrow.respondNextWith(sparrowReplies.refuse(1012));
    const slotsBefore = await reservedSlots();
    await startVerification(t.url, accessToken, phone, ip()).expect(201);
    expect(toSparrow(phone)).toHaveLength(1);
    expect(toAakash(phone)).toHaveLength(1);
    const code = codeIn(toAakash(phone)[0].fields.text);
    expect(code).toBe(codeIn(toSparrow(phone)[0].fields.text));
    expect(await reservedSlots()).toBe(slotsBefore + 1);
    expect(await logRows(phone)).toEqual([
      expect.objectContaining({
        provider: 'sparrow',
        status: 'failed',
        outcome: 'refused',
        refusal_cause: 'account',
        retried: false,
      }),
      expect.objectContaining({
        provider: 'aakash',
        status: 'sent',
        outcome: 'sent',
        retried: true,
        provider_message_id: expect.any(String),
        network: 'ntc',
      }),
    ]);
    await checkCode(t.url, accessToken, phone, code).expect(200);
  });

  it("Sparrow's port closed → Aakash sends", async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    const closed = new FakeSparrowServer({ token: SPARROW_TOKEN });
    await closed.start();
    await closed.stop();
    const app = await createTestApp({
      realSmsGateway: true,
      database: t.database,
      env: {
        ...sparrow.appEnv(),
        SPARROW_BASE_URL: closed.url,
        SMS_GATEWAY: 'sparrow,aakash',
        AAKASH_BASE_URL: aakash.url,
        AAKASH_TOKEN,
        SPARROW_TIMEOUT_MS: '400',
        AAKASH_TIMEOUT_MS: '400',
      },
    });
    try {
      const sent = await startVerification(app.url, accessToken, phone).expect(201);
      expect(sent.body.status).toBe('pending');
      expect(toAakash(phone)).toHaveLength(1);
      expect(await logRows(phone)).toEqual([
        expect.objectContaining({ provider: 'sparrow', status: 'failed', outcome: 'unreached' }),
        expect.objectContaining({ provider: 'aakash', status: 'sent', retried: true }),
      ]);
    } finally {
      await app.close();
    }
  });

  it('Sparrow timing out after the request went out → 503, no Aakash request, the SMS counts', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    sparrow.respondNextWith(sparrowReplies.slow(1500));
    const slotsBefore = await reservedSlots();
    const res = await startVerification(t.url, accessToken, phone, ip()).expect(503);
    expect(res.body).toMatchObject({ code: 'SMS_GATEWAY_UNAVAILABLE', retryAfterSeconds: 60 });
    expect(res.headers['retry-after']).toBe('60');
    expect(toSparrow(phone)).toHaveLength(1);
    expect(toAakash(phone)).toHaveLength(0);
    expect(await reservedSlots()).toBe(slotsBefore + 1);
    expect(await logRows(phone)).toEqual([
      expect.objectContaining({ provider: 'sparrow', status: 'unknown', outcome: 'unknown' }),
    ]);
    // it counts: the cooldown runs, and if the SMS arrives its code works
    const again = await startVerification(t.url, accessToken, phone, ip()).expect(429);
    expect(again.body.code).toBe('RESEND_COOLDOWN');
    await checkCode(t.url, accessToken, phone, codeIn(toSparrow(phone)[0].fields.text)).expect(200);
  });

  it('Sparrow refusing the number → 502 without asking Aakash', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    sparrow.respondNextWith(sparrowReplies.refuse(1007));
    const res = await startVerification(t.url, accessToken, phone, ip()).expect(502);
    expect(res.body.code).toBe('SMS_GATEWAY_ERROR');
    expect(toAakash(phone)).toHaveLength(0);
    expect(await logRows(phone)).toEqual([
      expect.objectContaining({ provider: 'sparrow', status: 'failed', refusal_cause: 'number' }),
    ]);
    // nothing counts: a retry goes out at once
    await startVerification(t.url, accessToken, phone, ip()).expect(201);
  });

  it('both gateways refusing for the account → 502, nothing counts', async () => {
    const { accessToken } = await user();
    const phone = uniquePhone();
    sparrow.respondNextWith(sparrowReplies.refuse(1002));
    aakash.respondNextWith(aakashReplies.refuse('noBalance'));
    const slotsBefore = await reservedSlots();
    const res = await startVerification(t.url, accessToken, phone, ip()).expect(502);
    expect(res.body.code).toBe('SMS_GATEWAY_ERROR');
    expect(toSparrow(phone)).toHaveLength(1);
    expect(toAakash(phone)).toHaveLength(1);
    expect(await reservedSlots()).toBe(slotsBefore);
    expect(await logRows(phone)).toEqual([
      expect.objectContaining({ provider: 'sparrow', status: 'failed', refusal_cause: 'account' }),
      expect.objectContaining({
        provider: 'aakash',
        status: 'failed',
        refusal_cause: 'account',
        retried: true,
      }),
    ]);
    await checkCode(t.url, accessToken, phone, '123456').expect(404);
  });

  it("five failures open Sparrow's circuit: the sixth send makes no Sparrow request; after SMS_GATEWAY_OPEN_SECONDS one probe goes to Sparrow", async () => {
    // a success first, so earlier tests' failures do not count towards this circuit
    await startVerification(t.url, (await user()).accessToken, uniquePhone(), ip()).expect(201);
    sparrow.reset();
    const users = await Promise.all(Array.from({ length: 9 }, () => user()));
    sparrow.respondWith(sparrowReplies.refuse(1012));
    for (let i = 0; i < 5; i += 1) {
      await startVerification(t.url, users[i].accessToken, uniquePhone(), ip()).expect(201);
    }
    expect(sparrow.smsRequests).toHaveLength(5);
    expect(aakash.smsRequests).toHaveLength(5);
    await startVerification(t.url, users[5].accessToken, uniquePhone(), ip()).expect(201);
    expect(sparrow.smsRequests).toHaveLength(5); // skipped without a request
    expect(aakash.smsRequests).toHaveLength(6);

    // half-open after 30 s: of two sends at once, one probes Sparrow (slowly), the other goes on
    sparrow.respondWith(sparrowReplies.success());
    sparrow.respondNextWith(sparrowReplies.slow(250));
    t.clock.advance(30);
    await Promise.all(
      [users[6], users[7]].map((u) =>
        startVerification(t.url, u.accessToken, uniquePhone(), ip()).expect(201),
      ),
    );
    expect(sparrow.smsRequests).toHaveLength(6);
    expect(aakash.smsRequests).toHaveLength(7);
    // the probe succeeded: closed again, the next send tries Sparrow first
    await startVerification(t.url, users[8].accessToken, uniquePhone(), ip()).expect(201);
    expect(sparrow.smsRequests).toHaveLength(7);
    const logged = t.logs.parsed().map((line) => line.msg);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sparrow: circuit open/),
        'sparrow: circuit closed',
      ]),
    );
  });

  it('keeps /health/ready free of any gateway or balance detail', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(Object.keys(res.body.info)).toEqual(['database']);
    expect(JSON.stringify(res.body)).not.toMatch(/credit|balance|sparrow|aakash/i);
  });

  describe('test numbers (TEST_PHONE_NUMBERS)', () => {
    it('never reach a gateway, and the fixed code verifies; the log says gateway "test"', async () => {
      const { accessToken } = await user();
      await startVerification(t.url, accessToken, TEST_NUMBER, ip()).expect(201);
      expect(sparrow.requests).toHaveLength(0);
      expect(aakash.requests).toHaveLength(0);
      expect(await logRows(TEST_NUMBER)).toEqual([
        expect.objectContaining({ provider: 'test', status: 'sent', outcome: 'sent' }),
      ]);
      await checkCode(t.url, accessToken, TEST_NUMBER, TEST_CODE).expect(200);
      const used = t.logs.parsed().find((line) => line.gateway === 'test');
      expect(used).toMatchObject({ level: 30, to: '+97798XXXX0001' });
      // the number is now verified on this account: free it for the next test
      await request(t.url)
        .delete('/v1/users/me/phone')
        .set('authorization', `Bearer ${accessToken}`)
        .expect(204);
    });

    it('a wrong code counts like for any number, and the limits apply', async () => {
      const { accessToken } = await user();
      t.clock.advance(3600);
      await startVerification(t.url, accessToken, TEST_NUMBER, ip()).expect(201);
      const wrong = await checkCode(t.url, accessToken, TEST_NUMBER, wrongCode(TEST_CODE)).expect(
        400,
      );
      expect(wrong.body).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: 4 });
      const again = await startVerification(t.url, accessToken, TEST_NUMBER, ip()).expect(429);
      expect(again.body.code).toBe('RESEND_COOLDOWN');
      await checkCode(t.url, accessToken, TEST_NUMBER, TEST_CODE).expect(200);
    });
  });

  it('never logs either token', () => {
    expect(t.logs.text()).not.toContain(SPARROW_TOKEN);
    expect(t.logs.text()).not.toContain(AAKASH_TOKEN);
  });
});
