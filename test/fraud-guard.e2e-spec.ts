import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { FraudService } from '../src/fraud/fraud.service';
import { solvedChallenge } from './support/challenges';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import { e164 } from './support/verification-flow';

let ipCounter = 0;
/** A client address in a /24 of its own (TRUST_PROXY is on). */
const freshNetworkIp = () => `10.${Math.floor(++ipCounter / 250) + 1}.${ipCounter % 250}.7`;

let numberCounter = 0;
/** A number in `prefix` (6 digits) no other test uses. */
const numberIn = (prefix: string) => `${prefix}${String(++numberCounter).padStart(4, '0')}`;

interface Caller {
  accessToken: string;
  ip: string;
}

async function caller(baseUrl: string, ip = freshNetworkIp()): Promise<Caller> {
  const res = await request(baseUrl)
    .post('/v1/auth/register')
    .set('x-forwarded-for', ip)
    .send({ username: `fg_${randomBytes(6).toString('hex')}`, password: 'long-enough-pw' })
    .expect(201);
  return { accessToken: res.body.accessToken as string, ip };
}

function send(baseUrl: string, who: Caller, phone: string, challenge?: string) {
  return request(baseUrl)
    .post('/v1/phone-verifications')
    .set('authorization', `Bearer ${who.accessToken}`)
    .set('x-forwarded-for', who.ip)
    .send(challenge === undefined ? { phone } : { phone, challenge });
}

function check(baseUrl: string, who: Caller, phone: string, code: string) {
  return request(baseUrl)
    .post('/v1/phone-verifications/check')
    .set('authorization', `Bearer ${who.accessToken}`)
    .set('x-forwarded-for', who.ip)
    .send({ phone, code });
}

/**
 * The fraud guard (API.md, "Fraud guard"), end to end on real PostgreSQL: prefix velocity and
 * conversion, doubling blocks, the allowlist, proof-of-work challenges and the risky rule, each
 * network's share of the budget.
 */
describe('the fraud guard against SMS pumping', () => {
  describe('prefix velocity and conversion', () => {
    let t: TestApp;
    const conformance = new OpenApiConformance();
    beforeAll(async () => {
      t = await createTestApp({
        recorder: conformance,
        env: {
          TRUST_PROXY: 'true',
          FRAUD_CHALLENGE: 'never',
          FRAUD_PREFIX_MIN_SENDS: '6',
          FRAUD_MIN_CONVERSION: '0.2',
          FRAUD_BLOCK_SECONDS: '3600',
          SMS_BUDGET_MAX_SHARE_PER_NETWORK: '1',
          METRICS_TOKEN: 'metrics-token-for-the-fraud-guard-test',
        },
      });
    });
    afterAll(() => t.close());

    /** `count` SMS to fresh numbers of `prefix`, each from a caller of its own: all must go out. */
    async function pump(prefix: string, count: number): Promise<void> {
      for (let i = 0; i < count; i += 1) {
        await send(t.url, await caller(t.url), numberIn(prefix)).expect(201);
      }
    }

    it('blocks a prefix once FRAUD_PREFIX_MIN_SENDS SMS in an hour converted below FRAUD_MIN_CONVERSION', async () => {
      await pump('981555', 6);
      const sentBefore = t.sms.sent.length;
      const blocked = await send(t.url, await caller(t.url), numberIn('981555')).expect(403);
      expect(blocked.body).toMatchObject({ code: 'PHONE_BLOCKED', retryAfterSeconds: 3600 });
      expect(blocked.headers['retry-after']).toBe('3600');
      // no SMS, and the block holds for every number of the prefix, on the next send too
      expect(t.sms.sent).toHaveLength(sentBefore);
      await send(t.url, await caller(t.url), numberIn('981555')).expect(403);
      // another prefix is not touched
      await send(t.url, await caller(t.url), numberIn('981556')).expect(201);
      const rows = await t.dataSource.query(
        `SELECT prefix, source, expires_at - created_at AS lasts FROM phone_blocks WHERE prefix = '981555'`,
      );
      expect(rows).toEqual([{ prefix: '981555', source: 'auto', lasts: { hours: 1 } }]);
      const logged = t.logs
        .parsed()
        .find((line) => line.msg === 'prefix 981555 blocked automatically');
      expect(logged).toMatchObject({ prefix: '981555', sent: 6, converted: 0 });
      expect(JSON.stringify(logged)).not.toMatch(/9815550/);
    });

    it('does not block a prefix whose SMS convert', async () => {
      for (let i = 0; i < 6; i += 1) {
        const who = await caller(t.url);
        const phone = numberIn('981557');
        await send(t.url, who, phone).expect(201);
        await check(t.url, who, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
      }
      await send(t.url, await caller(t.url), numberIn('981557')).expect(201);
    });

    it('doubles the block for a repeat within 24 h', async () => {
      await pump('981558', 6);
      await send(t.url, await caller(t.url), numberIn('981558')).expect(403);
      t.clock.advance(3601); // the first block and the pumping hour are over
      await pump('981558', 6);
      const again = await send(t.url, await caller(t.url), numberIn('981558')).expect(403);
      expect(again.body.retryAfterSeconds).toBe(7200);
    });

    it('leaves an allowlisted prefix alone (the guard, not the limits)', async () => {
      await t.app.get(FraudService).addToAllowlist({
        target: { prefix: '981559' },
        note: 'a partner sends to its own range',
        createdBy: 'test',
      });
      await pump('981559', 10);
      expect(
        await t.dataSource.query(`SELECT 1 FROM phone_blocks WHERE prefix = '981559'`),
      ).toEqual([]);
      // the limits still apply: one caller, one number, past the resend cooldown
      const who = await caller(t.url);
      const phone = numberIn('981559');
      await send(t.url, who, phone).expect(201);
      const cooldown = await send(t.url, who, phone).expect(429);
      expect(cooldown.body.code).toBe('RESEND_COOLDOWN');
    });

    it('counts each decision in the metrics', async () => {
      const res = await request(t.url)
        .get('/metrics')
        .set('authorization', 'Bearer metrics-token-for-the-fraud-guard-test')
        .expect(200);
      expect(res.text).toMatch(/phone_verify_send_refusals_total\{reason="blocked"\} [1-9]/);
      expect(res.text).toMatch(/phone_verify_fraud_blocks_active [1-9]/);
    });

    it('answered only what the OpenAPI document (/docs-json) describes', async () => {
      await conformance.expectConformance(t.url, 3);
    });
  });

  describe('proof-of-work challenges', () => {
    let t: TestApp;
    const conformance = new OpenApiConformance();
    beforeAll(async () => {
      t = await createTestApp({
        recorder: conformance,
        env: {
          TRUST_PROXY: 'true',
          FRAUD_CHALLENGE: 'always',
          SMS_BUDGET_MAX_SHARE_PER_NETWORK: '1',
        },
      });
    });
    afterAll(() => t.close());

    it('answers 428 CHALLENGE_REQUIRED with the challenge URL and sends nothing, without a challenge', async () => {
      const res = await send(t.url, await caller(t.url), numberIn('984444')).expect(428);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toMatchObject({
        code: 'CHALLENGE_REQUIRED',
        challengeUrl: '/v1/challenges',
      });
      expect(t.sms.sent).toHaveLength(0);
    });

    it('sends with a solved challenge, and refuses the same challenge a second time', async () => {
      const challenge = await solvedChallenge(t.url);
      await send(t.url, await caller(t.url), numberIn('984444'), challenge).expect(201);
      const reused = await send(t.url, await caller(t.url), numberIn('984444'), challenge).expect(
        428,
      );
      expect(reused.body.code).toBe('CHALLENGE_REQUIRED');
    });

    it('refuses a tampered, a foreign or an expired challenge', async () => {
      const good = await solvedChallenge(t.url);
      const payload = JSON.parse(Buffer.from(good, 'base64').toString());
      payload.solution.counter += 1;
      const tampered = Buffer.from(JSON.stringify(payload)).toString('base64');
      await send(t.url, await caller(t.url), numberIn('984445'), tampered).expect(428);
      for (const garbage of ['', 'not-base64!', Buffer.from('{"x":1}').toString('base64')]) {
        await send(t.url, await caller(t.url), numberIn('984445'), garbage).expect(428);
      }
      const expiring = await solvedChallenge(t.url);
      t.clock.advance(t.config.fraud.challengeTtlSeconds + 1);
      await send(t.url, await caller(t.url), numberIn('984445'), expiring).expect(428);
    });

    it('limits how often one client may ask for challenges', async () => {
      const ip = '192.0.2.200';
      for (let i = 0; i < 30; i += 1) {
        await request(t.url).get('/v1/challenges').set('x-forwarded-for', ip).expect(200);
      }
      const over = await request(t.url)
        .get('/v1/challenges')
        .set('x-forwarded-for', ip)
        .expect(429);
      expect(over.body.code).toBe('TOO_MANY_REQUESTS');
      expect(over.headers['retry-after']).toBeDefined();
    });

    it('answered only what the OpenAPI document (/docs-json) describes', async () => {
      await conformance.expectConformance(t.url, 3);
    });
  });

  describe('the risky rule (FRAUD_CHALLENGE=risky)', () => {
    let t: TestApp;
    const conformance = new OpenApiConformance();
    beforeAll(async () => {
      t = await createTestApp({
        recorder: conformance,
        env: {
          TRUST_PROXY: 'true',
          FRAUD_CHALLENGE: 'risky',
          FRAUD_NETWORK_ACCOUNTS_PER_HOUR: '3',
          FRAUD_PREFIX_MIN_SENDS: '8',
          SMS_BUDGET_MAX_SHARE_PER_NETWORK: '1',
        },
      });
    });
    afterAll(() => t.close());

    it('asks nothing in quiet times', async () => {
      await send(t.url, await caller(t.url), numberIn('982601')).expect(201);
    });

    it('asks a network that registered more than FRAUD_NETWORK_ACCOUNTS_PER_HOUR accounts for a challenge, and only it', async () => {
      const callers: Caller[] = [];
      for (let host = 1; host <= 4; host += 1)
        callers.push(await caller(t.url, `172.20.9.${host}`));
      const risky = await send(t.url, callers[0], numberIn('982602')).expect(428);
      expect(risky.body.code).toBe('CHALLENGE_REQUIRED');
      await send(t.url, callers[0], numberIn('982602'), await solvedChallenge(t.url)).expect(201);
      await send(t.url, await caller(t.url), numberIn('982602')).expect(201);
    });

    it('asks for a challenge once a prefix has half the threshold with a low conversion', async () => {
      for (let i = 0; i < 4; i += 1)
        await send(t.url, await caller(t.url), numberIn('982603')).expect(201);
      await send(t.url, await caller(t.url), numberIn('982603')).expect(428);
      await send(t.url, await caller(t.url), numberIn('982604')).expect(201);
    });

    it('answered only what the OpenAPI document (/docs-json) describes', async () => {
      await conformance.expectConformance(t.url, 3);
    });
  });

  describe("each network's share of the daily budget", () => {
    let t: TestApp;
    const conformance = new OpenApiConformance();
    beforeAll(async () => {
      t = await createTestApp({
        recorder: conformance,
        env: {
          TRUST_PROXY: 'true',
          FRAUD_CHALLENGE: 'never',
          SMS_DAILY_BUDGET: '30',
          SMS_BUDGET_MAX_SHARE_PER_NETWORK: '0.1',
        },
      });
    });
    afterAll(() => t.close());

    it('lets one IPv4 /24 use at most its share per UTC day, whatever its addresses', async () => {
      t.clock.set(new Date('2026-12-05T18:00:00.000Z'));
      for (let host = 1; host <= 3; host += 1) {
        await send(t.url, await caller(t.url, `198.18.4.${host}`), numberIn('980100')).expect(201);
      }
      const over = await send(
        t.url,
        await caller(t.url, '198.18.4.200'),
        numberIn('980100'),
      ).expect(429);
      expect(over.body).toMatchObject({ code: 'SEND_LIMIT_REACHED', retryAfterSeconds: 6 * 3600 });
      expect(over.body.detail).toMatch(/network has used its share/);
      await send(t.url, await caller(t.url, '198.18.5.1'), numberIn('980100')).expect(201);
    });

    it('counts an IPv6 client network by its /48', async () => {
      for (let subnet = 1; subnet <= 3; subnet += 1) {
        const ip = `2001:db8:77:${subnet}::1`;
        await send(t.url, await caller(t.url, ip), numberIn('980101')).expect(201);
      }
      await send(t.url, await caller(t.url, '2001:db8:77:ff::9'), numberIn('980101')).expect(429);
      await send(t.url, await caller(t.url, '2001:db8:78::1'), numberIn('980101')).expect(201);
    });

    it('answered only what the OpenAPI document (/docs-json) describes', async () => {
      await conformance.expectConformance(t.url, 3);
    });
  });
});
