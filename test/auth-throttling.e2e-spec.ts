import { createHash, randomInt } from 'node:crypto';
import request from 'supertest';
import { AuthCleanupJob } from '../src/auth/auth-cleanup.job';
import {
  throttleUsernameKey,
  usernameKeySecret,
} from '../src/auth/login-throttle/login-throttle.policy';
import { registerUser } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';

// TRUST_PROXY=true: the client IP is the last X-Forwarded-For entry, so tests can be many clients.
const ENV = { TRUST_PROXY: 'true' };

describe('Accounts: login throttling (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: ENV });
  });
  afterAll(() => t.close());

  const maxFailures = () => t.config.auth.loginMaxFailures;
  const window = () => t.config.auth.loginFailureWindowSeconds;
  /** A client address no other test uses (TEST-NET-3 plus a random host). */
  const freshIp = () => `203.0.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  /** An IPv6 /64 no other test uses (documentation prefix), and the /64 right after it. */
  const freshIpv6Networks = () => {
    const [site, subnet] = [randomInt(0, 0x10000), randomInt(0, 0xffff)];
    const network = (n: number) => `2001:db8:${site.toString(16)}:${n.toString(16)}`;
    return { network: network(subnet), next: network(subnet + 1) };
  };
  const login = (url: string, ip: string, username: string, password: string) =>
    request(url).post('/v1/auth/login').set('x-forwarded-for', ip).send({ username, password });
  const fail = async (url: string, ip: string, username: string, times: number) => {
    for (let i = 0; i < times; i++) {
      await login(url, ip, username, 'wrong password').expect(401);
    }
  };

  it('refuses the attempt after 10 failures with 429, Retry-After and retryAfterSeconds, even with the right password', async () => {
    expect(maxFailures()).toBe(10);
    expect(window()).toBe(900);
    const account = await registerUser(t.url);
    const ip = freshIp();
    await fail(t.url, ip, account.username, 10);

    const refused = await login(t.url, ip, account.username, 'wrong password').expect(429);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers['retry-after']).toBe('900');
    expect(refused.body).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      code: 'TOO_MANY_LOGIN_ATTEMPTS',
      detail: expect.any(String),
      retryAfterSeconds: 900,
    });

    const right = await login(t.url, ip, account.username, account.password).expect(429);
    expect(right.body.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    // the username counts in any letter case
    await login(t.url, ip, account.username.toUpperCase(), account.password).expect(429);
  });

  it('throttles one username from one address only: another address or another username is unaffected', async () => {
    const account = await registerUser(t.url);
    const neighbour = await registerUser(t.url);
    const ip = freshIp();
    await fail(t.url, ip, account.username, 10);
    await login(t.url, ip, account.username, account.password).expect(429);

    await login(t.url, freshIp(), account.username, account.password).expect(200);
    await login(t.url, ip, neighbour.username, 'wrong password').expect(401);
    await login(t.url, ip, neighbour.username, neighbour.password).expect(200);
  });

  it('throttles the 40 addresses of one IPv6 /64 together, and not the next /64', async () => {
    const account = await registerUser(t.url);
    const { network, next } = freshIpv6Networks();
    const address = (i: number) => `${network}:${(i * 1009).toString(16)}::${(i + 1).toString(16)}`;
    for (let i = 0; i < 10; i++) {
      await login(t.url, address(i), account.username, 'wrong password').expect(401);
    }
    for (let i = 10; i < 40; i++) {
      const refused = await login(t.url, address(i), account.username, account.password);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    }
    await login(t.url, `${next}::1`, account.username, account.password).expect(200);
  });

  it('counts two spellings of one IPv6 address as one client', async () => {
    const account = await registerUser(t.url);
    const [, , site, subnet] = freshIpv6Networks().network.split(':');
    const short = `2001:db8:${site}:${subnet}::1`;
    const long = `2001:0DB8:${site.padStart(4, '0').toUpperCase()}:${subnet.padStart(4, '0')}:0:0:0:0001`;
    await fail(t.url, short, account.username, 5);
    await fail(t.url, long, account.username, 5);
    await login(t.url, short, account.username, account.password).expect(429);
    await login(t.url, long, account.username, account.password).expect(429);
  });

  it('allows logins again once the failures leave the window, and the wait it announces is the real one', async () => {
    const account = await registerUser(t.url);
    const ip = freshIp();
    await fail(t.url, ip, account.username, 5);
    t.clock.advance(300);
    await fail(t.url, ip, account.username, 5);

    // the five older failures leave the window 600 s from now
    const refused = await login(t.url, ip, account.username, account.password).expect(429);
    expect(refused.body.retryAfterSeconds).toBe(600);
    expect(refused.headers['retry-after']).toBe('600');

    t.clock.advance(599);
    const almost = await login(t.url, ip, account.username, account.password).expect(429);
    expect(almost.body.retryAfterSeconds).toBe(1);

    t.clock.advance(1);
    // five failures still count: the sixth failure is allowed, then it is refused again
    await login(t.url, ip, account.username, 'wrong password').expect(401);
    await fail(t.url, ip, account.username, 4);
    await login(t.url, ip, account.username, account.password).expect(429);

    t.clock.advance(window());
    await login(t.url, ip, account.username, account.password).expect(200);
  });

  it('forgets the failures after a successful login', async () => {
    const account = await registerUser(t.url);
    const ip = freshIp();
    await fail(t.url, ip, account.username, 9);
    await login(t.url, ip, account.username, account.password).expect(200);
    await fail(t.url, ip, account.username, 10);
    await login(t.url, ip, account.username, account.password).expect(429);
  });

  it('counts unknown usernames too, so guessing names is throttled like guessing passwords', async () => {
    const ip = freshIp();
    await fail(t.url, ip, 'no_such_user', 10);
    await login(t.url, ip, 'No_Such_User', 'wrong password').expect(429);
  });

  it('lets exactly 10 of 15 parallel wrong guesses be tried', async () => {
    const account = await registerUser(t.url);
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 15 }, () => login(t.url, ip, account.username, 'wrong password')),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
  });

  it('holds across instances: a second instance on the same database sees the failures', async () => {
    const second = await createTestApp({ env: ENV, database: t.database, clock: t.clock });
    try {
      const account = await registerUser(t.url);
      const ip = freshIp();
      await fail(t.url, ip, account.username, 6);
      await fail(second.url, ip, account.username, 4);
      await login(second.url, ip, account.username, account.password).expect(429);
      await login(t.url, ip, account.username, account.password).expect(429);
    } finally {
      await second.close(); // the database is the first instance's: only the app closes
    }
  });

  it('stores for a failure no key that hashing a guess of the username can find again', async () => {
    const typedPassword = `My password ${randomInt(0, 1e9)}`;
    await fail(t.url, freshIp(), typedPassword, 1);
    const bareHash = createHash('sha256').update(typedPassword.toLowerCase(), 'utf8').digest('hex');
    const [{ n }] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM login_failures WHERE username_key = $1',
      [bareHash],
    );
    expect(n).toBe(0);
    const keyed = throttleUsernameKey(typedPassword, usernameKeySecret(t.config.otp.hmacSecret));
    const [{ m }] = await t.dataSource.query<Array<{ m: number }>>(
      'SELECT count(*)::int AS m FROM login_failures WHERE username_key = $1',
      [keyed],
    );
    expect(m).toBe(1);
  });

  it('keeps the clean-up from forgetting failures that still count', async () => {
    const account = await registerUser(t.url);
    const ip = freshIp();
    await fail(t.url, ip, account.username, 10);
    await t.app.get(AuthCleanupJob).run();
    await login(t.url, ip, account.username, account.password).expect(429);

    t.clock.advance(window());
    await t.app.get(AuthCleanupJob).run();
    const [{ n }] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM login_failures WHERE failed_at <= $1',
      [new Date(t.clock.now().getTime() - window() * 1000)],
    );
    expect(n).toBe(0);
    await login(t.url, ip, account.username, account.password).expect(200);
  });
});
