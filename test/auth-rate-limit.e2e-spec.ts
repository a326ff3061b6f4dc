import { randomInt } from 'node:crypto';
import request from 'supertest';
import { RedisRateLimitStore } from '../src/rate-limit/redis-rate-limit-store';
import { registerUser } from './support/accounts';
import {
  AUTH_ROUTES,
  expectTooManyRequests,
  freshIp,
  hitAuth,
  normalStatuses,
  REDIS_URL,
  redisPrefix,
  spend,
} from './support/rate-limit-requests';
import { createTestApp, TestApp } from './support/test-app';

const LIMIT = 5;
// TRUST_PROXY=true: the client IP is the last X-Forwarded-For entry, so one test can be many clients.
const env = (extra: Record<string, string> = {}) => ({
  TRUST_PROXY: 'true',
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: String(LIMIT),
  ...extra,
});

describe('Per-IP throttling of register, login and refresh', () => {
  describe('in-process memory store (no REDIS_URL)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: env() });
    });
    afterAll(() => t.close());

    it('says at start-up that each instance counts on its own', () => {
      expect(t.logs.text()).toContain('Per-IP throttling counts in this process only');
    });

    it('lets LIMIT requests through across the three routes, then answers 429 with Retry-After', async () => {
      const ip = freshIp();
      expect(await spend(t.url, ip, LIMIT)).toEqual(normalStatuses(LIMIT));
      for (const route of AUTH_ROUTES) expectTooManyRequests(await hitAuth(t.url, ip, route));
      // malformed requests are refused by the limit before validation, and count too
      const malformed = await request(t.url)
        .post('/v1/auth/login')
        .set('x-forwarded-for', ip)
        .send({ nonsense: true });
      expectTooManyRequests(malformed);
    });

    it('counts per client address: another address is unaffected', async () => {
      const ip = freshIp();
      await spend(t.url, ip, LIMIT);
      expectTooManyRequests(await hitAuth(t.url, ip));
      expect((await hitAuth(t.url, freshIp(), 'register')).status).toBe(201);
    });

    it('leaves the other routes alone: health and the authenticated API still answer', async () => {
      const ip = freshIp();
      const account = await registerUser(t.url);
      await spend(t.url, ip, LIMIT);
      expectTooManyRequests(await hitAuth(t.url, ip));
      const bearer = `Bearer ${account.accessToken}`;
      await request(t.url).get('/health/live').set('x-forwarded-for', ip).expect(200);
      await request(t.url)
        .get('/v1/users/me')
        .set('x-forwarded-for', ip)
        .set('authorization', bearer)
        .expect(200);
    });

    it('counts logout with them, now that it needs no access token (a public write)', async () => {
      const ip = freshIp();
      const account = await registerUser(t.url);
      await spend(t.url, ip, LIMIT);
      const res = await request(t.url)
        .post('/v1/auth/logout')
        .set('x-forwarded-for', ip)
        .send({ refreshToken: account.refreshToken });
      expectTooManyRequests(res);
      await request(t.url)
        .post('/v1/auth/logout')
        .set('x-forwarded-for', freshIp())
        .send({ refreshToken: account.refreshToken })
        .expect(204);
    });

    it('counts IPv6 clients per /64 network', async () => {
      const net = `2001:db8:${randomInt(1, 0xffff).toString(16)}:7`;
      await spend(t.url, `${net}::1`, LIMIT - 1);
      expect((await hitAuth(t.url, `${net}:ffff::9`)).status).toBe(401);
      expectTooManyRequests(await hitAuth(t.url, `${net}::abcd`));
      expect(
        (await hitAuth(t.url, `2001:db8:${randomInt(1, 0xffff).toString(16)}:8::1`)).status,
      ).toBe(401);
    });

    it('counts in each instance on its own: a second instance still has the full limit', async () => {
      const second = await createTestApp({ env: env(), database: t.database });
      try {
        const ip = freshIp();
        await spend(t.url, ip, LIMIT);
        expectTooManyRequests(await hitAuth(t.url, ip));
        expect(await spend(second.url, ip, LIMIT)).toEqual(normalStatuses(LIMIT));
        expectTooManyRequests(await hitAuth(second.url, ip));
      } finally {
        await second.close();
      }
    });

    it('uses 60 per minute when not configured', async () => {
      const defaults = await createTestApp({
        // an empty variable is unset: the schema's default applies, not the test harness' one
        env: { TRUST_PROXY: 'true', AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '' },
        database: t.database,
      });
      try {
        expect(defaults.config.rateLimit.authPerIpPerMinute).toBe(60);
        const ip = freshIp();
        const statuses = await Promise.all(
          Array.from({ length: 62 }, () => hitAuth(defaults.url, ip, 'refresh')),
        );
        const counts = statuses.map((res) => res.status).sort();
        expect(counts).toEqual([...Array(60).fill(401), 429, 429]);
      } finally {
        await defaults.close();
      }
    });
  });

  describe('Redis store shared by two instances', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const shared = env({ REDIS_URL, REDIS_KEY_PREFIX: redisPrefix() });
      a = await createTestApp({ env: shared });
      b = await createTestApp({ env: shared, database: a.database });
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('shares one count: requests on either instance use up the same limit', async () => {
      const ip = freshIp();
      const statuses = [...(await spend(a.url, ip, 3)), ...(await spend(b.url, ip, LIMIT - 3))];
      expect(statuses).toHaveLength(LIMIT);
      expect(statuses.every((status) => status === 201 || status === 401)).toBe(true);
      const waitOnA = expectTooManyRequests(await hitAuth(a.url, ip));
      const waitOnB = expectTooManyRequests(await hitAuth(b.url, ip));
      expect(Math.abs(waitOnA - waitOnB)).toBeLessThanOrEqual(1); // one window, one end
    });

    it('lets exactly LIMIT of 16 parallel requests through across both instances', async () => {
      const ip = freshIp();
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, i) => hitAuth(i % 2 ? a.url : b.url, ip, 'refresh')),
      );
      const statuses = responses.map((res) => res.status).sort();
      expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(16 - LIMIT).fill(429)]);
    });
  });

  describe('the Redis store itself', () => {
    let store: RedisRateLimitStore;
    beforeAll(async () => {
      store = new RedisRateLimitStore({ url: REDIS_URL, keyPrefix: redisPrefix(), timeoutMs: 500 });
      await store.connect();
    });
    afterAll(() => store.close());

    it('counts within a window, reports the time left, and starts afresh when it ends', async () => {
      const first = await store.hit('k', 400);
      const second = await store.hit('k', 400);
      expect(first).toEqual({ count: 1, resetInMs: expect.any(Number) });
      expect(second?.count).toBe(2);
      expect(second?.resetInMs).toBeGreaterThan(0);
      expect(second?.resetInMs).toBeLessThanOrEqual(400);
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect((await store.hit('k', 400))?.count).toBe(1);
    });
  });
});
