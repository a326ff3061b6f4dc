import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { FakeSparrowServer } from './fakes/fake-sparrow-server';
import { AppProcess, killAppProcesses, startAppProcess } from './support/app-process';
import { solvedChallenge } from './support/challenges';
import { createTestDatabase, TestDatabase } from './support/test-database';

const TOKEN = 'fraud-multi-sparrow-token';

/**
 * Two server processes on one database: every signal of the fraud guard is counted in
 * PostgreSQL, so what one instance saw (a prefix pumped, a network's registrations, a spent
 * challenge, a network's share of the budget) holds on the other.
 */
describe('the fraud guard on two app processes sharing one database', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let database: TestDatabase;
  let instances: AppProcess[] = [];
  const url = (i: number) => instances[i % 2].url;

  beforeAll(async () => {
    database = await createTestDatabase();
    await sparrow.start();
    const env = {
      ...sparrow.appEnv(),
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      TRUST_PROXY: 'true',
      AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
      FRAUD_CHALLENGE: 'risky',
      FRAUD_PREFIX_MIN_SENDS: '6',
      FRAUD_NETWORK_ACCOUNTS_PER_HOUR: '3',
      SMS_DAILY_BUDGET: '100',
      SMS_BUDGET_MAX_SHARE_PER_NETWORK: '0.04',
    };
    instances = await Promise.all([startAppProcess({ env }), startAppProcess({ env })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    killAppProcesses();
    await sparrow.stop();
    await database?.drop();
  });

  let ipCounter = 0;
  const freshIp = () => `10.${++ipCounter}.0.1`;
  let numberCounter = 0;
  const numberIn = (prefix: string) => `${prefix}${String(++numberCounter).padStart(4, '0')}`;

  async function caller(i: number, ip = freshIp()) {
    const res = await request(url(i))
      .post('/v1/auth/register')
      .set('x-forwarded-for', ip)
      .send({ username: `fgm_${randomBytes(6).toString('hex')}`, password: 'long-enough-pw' })
      .expect(201);
    return { accessToken: res.body.accessToken as string, ip };
  }

  function send(
    i: number,
    who: { accessToken: string; ip: string },
    phone: string,
    challenge?: string,
  ) {
    return request(url(i))
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${who.accessToken}`)
      .set('x-forwarded-for', who.ip)
      .send(challenge === undefined ? { phone } : { phone, challenge });
  }

  it('a prefix pumped through both instances is blocked on both', async () => {
    for (let i = 0; i < 3; i += 1) {
      // before half the threshold (3 of 6), no challenge is asked
      await send(i, await caller(i), numberIn('985111')).expect(201);
    }
    // from half the threshold, a challenge; solved, the sends go on
    for (let i = 3; i < 6; i += 1) {
      await send(i, await caller(i), numberIn('985111')).expect(428);
      const challenge = await solvedChallenge(url(i + 1), freshIp());
      await send(i, await caller(i), numberIn('985111'), challenge).expect(201);
    }
    const blocked = await send(0, await caller(0), numberIn('985111')).expect(403);
    expect(blocked.body.code).toBe('PHONE_BLOCKED');
    await send(1, await caller(1), numberIn('985111')).expect(403);
  });

  it("a network's registrations on one instance make its sends risky on the other", async () => {
    const network = '172.21.5';
    const callers = [];
    for (let host = 1; host <= 4; host += 1) callers.push(await caller(host, `${network}.${host}`));
    const risky = await send(0, callers[0], numberIn('985112')).expect(428);
    expect(risky.body.challengeUrl).toBe('/v1/challenges');
  });

  it('a challenge spent on one instance is refused on the other', async () => {
    const network = '172.21.6';
    const callers = [];
    for (let host = 1; host <= 5; host += 1) callers.push(await caller(host, `${network}.${host}`));
    const challenge = await solvedChallenge(url(0), freshIp());
    await send(0, callers[0], numberIn('985113'), challenge).expect(201);
    await send(1, callers[1], numberIn('985114'), challenge).expect(428);
  });

  it("a network's share of the budget holds across both instances", async () => {
    const network = '172.22.7';
    const statuses: number[] = [];
    for (let host = 1; host <= 6; host += 1) {
      const who = await caller(host, `${network}.${host}`);
      const challenge = await solvedChallenge(url(host), freshIp());
      statuses.push((await send(host, who, numberIn(`98520${host}`), challenge)).status);
    }
    // 4 % of 100: four SMS a day from one /24, whichever instance is asked
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
  });
});
