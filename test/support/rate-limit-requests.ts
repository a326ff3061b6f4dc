import { randomBytes, randomInt } from 'node:crypto';
import request from 'supertest';

/** Requests to the per-IP throttled auth routes, as many clients (needs TRUST_PROXY=true). */

export const REDIS = { host: '127.0.0.1', port: 6379 };
export const REDIS_URL = `redis://${REDIS.host}:${REDIS.port}`;

/** Keys of one test's run only, so parallel runs sharing the Redis server never meet. */
export const redisPrefix = (): string =>
  `pv-test:${process.env.PV_TEST_RUN_ID}:${randomBytes(4).toString('hex')}:`;

/** A client address no other test uses (TEST-NET-2 plus a random host). */
export const freshIp = (): string => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;

export type AuthRoute = 'register' | 'login' | 'refresh';
export const AUTH_ROUTES: AuthRoute[] = ['register', 'login', 'refresh'];

/** What each route answers when not throttled: register succeeds, the others are refused. */
export const NORMAL_STATUS: Record<AuthRoute, number> = { register: 201, login: 401, refresh: 401 };

/** One request from `ip` to a throttled route. */
export function hitAuth(url: string, ip: string, route: AuthRoute = 'login') {
  const body = {
    register: { username: `rl_${randomBytes(6).toString('hex')}`, password: 'a-long-password' },
    login: { username: 'nobody_here', password: 'wrong password' },
    refresh: { refreshToken: 'not-a-real-refresh-token' },
  }[route];
  return request(url).post(`/v1/auth/${route}`).set('x-forwarded-for', ip).send(body);
}

/** `times` requests one after another, cycling through the three routes; their statuses. */
export async function spend(url: string, ip: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    statuses.push((await hitAuth(url, ip, AUTH_ROUTES[i % 3])).status);
  }
  return statuses;
}

/** The statuses `spend` sees while the limit is not reached. */
export const normalStatuses = (times: number): number[] =>
  Array.from({ length: times }, (_, i) => NORMAL_STATUS[AUTH_ROUTES[i % 3]]);

/** Asserts the limit's 429 problem document and its Retry-After; returns the wait. */
export function expectTooManyRequests(res: request.Response): number {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.body).toEqual({
    type: 'about:blank',
    title: 'Too Many Requests',
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    detail: expect.any(String),
    retryAfterSeconds: expect.any(Number),
  });
  const wait = res.body.retryAfterSeconds as number;
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(60);
  expect(res.headers['retry-after']).toBe(String(wait));
  return wait;
}
