import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { FakeAakashServer } from './fakes/fake-aakash-server';
import { FakeSparrowServer, sparrowReplies } from './fakes/fake-sparrow-server';
import { AppProcess, killAppProcesses, startAppProcess } from './support/app-process';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { uniquePhone } from './support/verification-flow';

const SPARROW_TOKEN = 'failover-multi-sparrow-token';
const AAKASH_TOKEN = 'failover-multi-aakash-token';
const BUDGET = 8;
const PER_PHONE = 3;

function tally(responses: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/**
 * Two server processes on one database, both sending through Sparrow (which refuses every SMS
 * for the account: no credits) and failing over to Aakash: the limits and the daily budget hold
 * across both, and each SMS counts once however many gateways it went through.
 */
describe('Failover on two app processes sharing one database', () => {
  const sparrow = new FakeSparrowServer({ token: SPARROW_TOKEN });
  const aakash = new FakeAakashServer({ token: AAKASH_TOKEN });
  let database: TestDatabase;
  let direct: Client;
  let instances: AppProcess[] = [];
  const url = (i: number) => instances[i % 2].url;
  let nextIp = 1;

  beforeAll(async () => {
    database = await createTestDatabase();
    await Promise.all([sparrow.start(), aakash.start()]);
    sparrow.respondWith(sparrowReplies.refuse(1012));
    const env = {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      TRUST_PROXY: 'true',
      SMS_GATEWAY: 'sparrow,aakash',
      SPARROW_BASE_URL: sparrow.url,
      SPARROW_TOKEN,
      SPARROW_FROM: 'Example',
      AAKASH_BASE_URL: aakash.url,
      AAKASH_TOKEN,
      SMS_DAILY_BUDGET: String(BUDGET),
      OTP_MAX_SMS_PER_PHONE_PER_DAY: String(PER_PHONE),
      // every send tries Sparrow first: failover, not an open circuit, is under test
      SMS_GATEWAY_FAILURE_THRESHOLD: '1000',
      AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
    };
    instances = await Promise.all([startAppProcess({ env }), startAppProcess({ env })]);
    direct = new Client({ connectionString: database.url });
    await direct.connect();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    killAppProcesses();
    await direct?.end();
    await Promise.all([sparrow.stop(), aakash.stop()]);
    await database?.drop();
  });

  async function register(i: number): Promise<{ accessToken: string; ip: string }> {
    const ip = `203.0.113.${nextIp++}`;
    const res = await request(url(i))
      .post('/v1/auth/register')
      .set('x-forwarded-for', ip)
      .send({ username: `fo_${randomBytes(6).toString('hex')}`, password: 'long-enough-pw' })
      .expect(201);
    return { accessToken: res.body.accessToken as string, ip };
  }

  const send = (i: number, user: { accessToken: string; ip: string }, phone: string) =>
    request(url(i))
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${user.accessToken}`)
      .set('x-forwarded-for', user.ip)
      .send({ phone });

  const budgetTaken = async () =>
    Number(
      (await direct.query('SELECT coalesce(sum(reserved), 0) AS n FROM sms_daily_usage')).rows[0].n,
    );

  it('the per-number limit holds across both instances while every SMS fails over', async () => {
    const phone = uniquePhone();
    const users = await Promise.all([0, 1, 2, 3, 4].map((i) => register(i)));
    const responses = await Promise.all(users.map((user, i) => send(i, user, phone)));
    expect(tally(responses)).toEqual({ 201: PER_PHONE, 429: 5 - PER_PHONE });
    expect(aakash.smsRequests.filter((r) => r.fields.to === phone)).toHaveLength(PER_PHONE);
    expect(sparrow.smsRequests.filter((r) => r.fields.to === phone)).toHaveLength(PER_PHONE);
    expect(await budgetTaken()).toBe(PER_PHONE);
  });

  it('the daily budget counts each SMS once, however many gateways it went through', async () => {
    const left = BUDGET - (await budgetTaken());
    const users = await Promise.all(Array.from({ length: left + 4 }, (_, i) => register(i)));
    const responses = await Promise.all(users.map((user, i) => send(i, user, uniquePhone())));
    expect(tally(responses)).toEqual({ 201: left, 503: 4 });
    for (const refused of responses.filter((res) => res.status === 503)) {
      expect(refused.body.code).toBe('SMS_BUDGET_EXHAUSTED');
    }
    expect(await budgetTaken()).toBe(BUDGET);
    expect(aakash.smsRequests).toHaveLength(BUDGET);
    const { rows } = await direct.query(
      `SELECT provider, status, count(*)::int AS n FROM sms_messages
        GROUP BY provider, status ORDER BY provider, status`,
    );
    expect(rows).toEqual([
      { provider: 'aakash', status: 'sent', n: BUDGET },
      { provider: 'sparrow', status: 'failed', n: BUDGET },
    ]);
  });
});
