import { randomBytes, randomInt } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { FakeSparrowServer } from './fakes/fake-sparrow-server';
import { AppProcess, killAppProcesses, startAppProcess } from './support/app-process';
import { REDIS_URL, redisPrefix } from './support/rate-limit-requests';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { uniquePhone } from './support/verification-flow';

const TOKEN = 'multi-instance-sparrow-token';
const LIMITS = {
  OTP_RESEND_COOLDOWN_SECONDS: 60,
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR: 3,
  OTP_MAX_SMS_PER_PHONE_PER_DAY: 3,
  OTP_MAX_SENDS_PER_USER_PER_DAY: 4,
  OTP_MAX_SENDS_PER_IP_PER_HOUR: 5,
  SMS_DAILY_BUDGET: 30,
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: 12,
};

/** A client address no other test uses (TEST-NET-3 plus a random host); TRUST_PROXY is on. */
const freshIp = () => `203.0.113.${randomInt(1, 255)}`;
const usedIps = new Set<string>();
function uniqueIp(): string {
  for (;;) {
    const ip = freshIp();
    if (!usedIps.has(ip)) {
      usedIps.add(ip);
      return ip;
    }
  }
}

function tally(responses: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/**
 * Two real server processes on one database and one Redis, as behind a load balancer: every
 * limit, the single use of a code and the one owner of a number hold whichever instance each
 * request reaches (alternating, or racing across both).
 */
describe('Two app processes on one database and one Redis', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let database: TestDatabase;
  let direct: Client;
  let instances: AppProcess[] = [];
  /** Instance i % 2: consecutive requests alternate between the two. */
  const url = (i: number) => instances[i % 2].url;

  beforeAll(async () => {
    database = await createTestDatabase();
    await sparrow.start();
    const env = {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix(),
      TRUST_PROXY: 'true',
      ...sparrow.appEnv(),
      ...Object.fromEntries(Object.entries(LIMITS).map(([name, value]) => [name, String(value)])),
    };
    const started = performance.now();
    // booting together: the migration lock makes them take turns
    instances = await Promise.all([startAppProcess({ env }), startAppProcess({ env })]);
    process.stdout.write(
      `[multi-instance] two processes ready in ${Math.round(performance.now() - started)} ms\n`,
    );
    direct = new Client({ connectionString: database.url });
    await direct.connect();
  }, 120_000);
  afterAll(async () => {
    const exits = await Promise.all(instances.map((instance) => instance.stop()));
    killAppProcesses();
    await direct?.end();
    await sparrow.stop();
    await database?.drop();
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  interface User {
    accessToken: string;
    ip: string;
  }

  /** Registers on instance `i`, from an address of its own. */
  async function register(i: number, ip = uniqueIp()): Promise<User> {
    const res = await request(url(i))
      .post('/v1/auth/register')
      .set('x-forwarded-for', ip)
      .send({ username: `mi_${randomBytes(6).toString('hex')}`, password: 'long-enough-pw' })
      .expect(201);
    return { accessToken: res.body.accessToken as string, ip };
  }

  const registerMany = (count: number, ip?: string) =>
    Promise.all(Array.from({ length: count }, (_, i) => register(i, ip)));

  function send(i: number, user: User, phone: string) {
    return request(url(i))
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${user.accessToken}`)
      .set('x-forwarded-for', user.ip)
      .send({ phone });
  }

  function check(i: number, user: User, phone: string, code: string) {
    return request(url(i))
      .post('/v1/phone-verifications/check')
      .set('authorization', `Bearer ${user.accessToken}`)
      .set('x-forwarded-for', user.ip)
      .send({ phone, code });
  }

  /** What Sparrow was asked to send to this 10-digit number, oldest first. */
  const postsTo = (phone: string) => sparrow.smsRequests.filter((r) => r.fields.to === phone);
  const lastCodeTo = (phone: string) => /^\d+/.exec(postsTo(phone).at(-1)?.fields.text ?? '')![0];

  it('resend cooldown: a send on one instance blocks a resend on the other', async () => {
    const user = await register(0);
    const phone = uniquePhone();
    await send(0, user, phone).expect(201);
    const again = await send(1, user, phone).expect(429);
    expect(again.body.code).toBe('RESEND_COOLDOWN');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(55);
    expect(postsTo(phone)).toHaveLength(1);
  });

  it('resend cooldown under a race: 8 parallel sends across both, one SMS', async () => {
    const user = await register(1);
    const phone = uniquePhone();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => send(i, user, phone)));
    expect(tally(results)).toEqual({ 201: 1, 429: 7 });
    expect(results.filter((r) => r.status === 429).map((r) => r.body.code)).toEqual(
      Array(7).fill('RESEND_COOLDOWN'),
    );
    expect(postsTo(phone)).toHaveLength(1);
  });

  it('per phone (the daily cap across accounts): 6 accounts racing for one number across both get exactly 3 SMS', async () => {
    const phone = uniquePhone();
    const users = await registerMany(6);
    const results = await Promise.all(users.map((user, i) => send(i, user, phone)));
    expect(tally(results)).toEqual({ 201: 3, 429: 3 });
    expect(
      results.filter((r) => r.status === 429).every((r) => r.body.code === 'SEND_LIMIT_REACHED'),
    ).toBe(true);
    expect(postsTo(phone)).toHaveLength(LIMITS.OTP_MAX_SMS_PER_PHONE_PER_DAY);
  });

  it('per user: one account racing sends to 7 numbers across both gets exactly 4', async () => {
    const user = await register(0);
    const phones = Array.from({ length: 7 }, () => uniquePhone());
    const results = await Promise.all(phones.map((phone, i) => send(i, user, phone)));
    expect(tally(results)).toEqual({ 201: 4, 429: 3 });
    expect(phones.flatMap(postsTo)).toHaveLength(LIMITS.OTP_MAX_SENDS_PER_USER_PER_DAY);
  });

  it('per client IP (X-Forwarded-For, TRUST_PROXY): 8 accounts behind one address get exactly 5', async () => {
    const ip = uniqueIp();
    const users = await registerMany(8, ip);
    const phones = users.map(() => uniquePhone());
    const results = await Promise.all(users.map((user, i) => send(i, user, phones[i])));
    expect(tally(results)).toEqual({ 201: 5, 429: 3 });
    expect(phones.flatMap(postsTo)).toHaveLength(LIMITS.OTP_MAX_SENDS_PER_IP_PER_HOUR);
  });

  it('a code works once: 8 parallel checks of the right code across both, one 200', async () => {
    const user = await register(1);
    const phone = uniquePhone();
    await send(0, user, phone).expect(201);
    const code = lastCodeTo(phone);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => check(i, user, phone, code)),
    );
    expect(tally(results)).toEqual({ 200: 1, 404: 7 });
  });

  it('one owner per number: two accounts checking their codes on different instances, one wins', async () => {
    const phone = uniquePhone();
    const [a, b] = await registerMany(2);
    await send(0, a, phone).expect(201);
    const codeA = lastCodeTo(phone);
    await send(1, b, phone).expect(201);
    const codeB = lastCodeTo(phone);
    const results = await Promise.all([check(0, a, phone, codeA), check(1, b, phone, codeB)]);
    expect(tally(results)).toEqual({ 200: 1, 409: 1 });
    expect(results.find((r) => r.status === 409)?.body.code).toBe('PHONE_IN_USE');
  });

  it('per-IP auth throttle: register/login/refresh from one address share one count (Redis)', async () => {
    const ip = uniqueIp();
    const refresh = (i: number) =>
      request(url(i))
        .post('/v1/auth/refresh')
        .set('x-forwarded-for', ip)
        .send({ refreshToken: 'not-a-real-refresh-token' });
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE; i++) {
      statuses.push((await refresh(i)).status);
    }
    expect(statuses).toEqual(Array(LIMITS.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE).fill(401));
    for (const i of [0, 1]) {
      const refused = await refresh(i).expect(429);
      expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    }
  });

  // Last: it spends what is left of the day's budget.
  it('daily SMS budget: a race across both never sends more than what is left of it', async () => {
    const { rows } = await direct.query<{ reserved: number }>(
      'SELECT coalesce(sum(reserved), 0)::int AS reserved FROM sms_daily_usage',
    );
    const left = LIMITS.SMS_DAILY_BUDGET - rows[0].reserved;
    expect(left).toBeGreaterThan(0);
    const users = await registerMany(left + 3);
    const sentBefore = sparrow.smsRequests.length;
    const results = await Promise.all(users.map((user, i) => send(i, user, uniquePhone())));
    expect(tally(results)).toEqual({ 201: left, 503: 3 });
    expect(results.filter((r) => r.status === 503).map((r) => r.body.code)).toEqual(
      Array(3).fill('SMS_BUDGET_EXHAUSTED'),
    );
    expect(sparrow.smsRequests.length - sentBefore).toBe(left);
  });
});
