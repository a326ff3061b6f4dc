import {
  expectTooManyRequests,
  freshIp,
  hitAuth,
  normalStatuses,
  REDIS,
  redisPrefix,
  spend,
} from './support/rate-limit-requests';
import { TcpProxy } from './support/tcp-proxy';
import { createTestApp, TestApp } from './support/test-app';

const LIMIT = 5;
const REDIS_TIMEOUT_MS = 250;
/** Fail-open must cost at most the command timeout, plus generous room for a loaded CI machine. */
const FAIL_OPEN_BOUND_MS = REDIS_TIMEOUT_MS + 1000;

/**
 * One app whose Redis sits behind a TCP proxy the tests cut and restore. Throttling is a guard
 * against floods, not a dependency: while Redis is away every request is answered normally and
 * promptly (unthrottled; the database-held limits still protect the SMS bill).
 */
describe('Per-IP throttling while Redis is down (fail open)', () => {
  const proxy = new TcpProxy(REDIS);
  let t: TestApp;
  let bootMs: number;
  let closed = false;
  const log = (line: string) => process.stdout.write(`[rate-limit/redis-down] ${line}\n`);

  beforeAll(async () => {
    const { port } = await proxy.start();
    await proxy.cut('refuse'); // Redis is down before the app even starts
    const started = performance.now();
    t = await createTestApp({
      env: {
        TRUST_PROXY: 'true',
        AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: String(LIMIT),
        REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_KEY_PREFIX: redisPrefix(),
      },
    });
    bootMs = performance.now() - started;
  });
  afterAll(async () => {
    if (!closed) await t?.close();
    await proxy.stop();
  });

  /** LIMIT + 3 requests from one address: every one answered as if unthrottled. */
  async function expectServedUnthrottled(): Promise<number> {
    const ip = freshIp();
    const durations: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const started = performance.now();
      statuses.push((await hitAuth(t.url, ip, 'login')).status);
      durations.push(performance.now() - started);
    }
    expect(statuses).toEqual(Array(LIMIT + 3).fill(401));
    const slowest = Math.round(Math.max(...durations));
    expect(slowest).toBeLessThan(FAIL_OPEN_BOUND_MS);
    return slowest;
  }

  /** Waits until Redis counts again: a fresh address is refused after LIMIT requests. */
  async function expectLimitBackWithin(ms: number): Promise<number> {
    const restoredAt = performance.now();
    let statuses: number[];
    do {
      statuses = await spend(t.url, freshIp(), LIMIT + 1);
      if (statuses.at(-1) === 429) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (performance.now() - restoredAt < ms);
    expect(statuses).toEqual([...normalStatuses(LIMIT), 429]);
    return Math.round(performance.now() - restoredAt);
  }

  it('starts with Redis refusing connections, says so once, and serves every request', async () => {
    log(`boot with Redis refused: ${Math.round(bootMs)} ms`);
    const slowest = await expectServedUnthrottled();
    log(`Redis refused from the start: slowest request ${slowest} ms`);
    const text = t.logs.text();
    expect(text).toContain('Per-IP throttling counts in Redis, shared by every instance');
    // one line per outage, not one per request or per reconnection attempt
    expect(t.logs.all.filter((line) => line.includes('Redis is unreachable'))).toHaveLength(1);
  });

  it('throttles again on its own once Redis is back', async () => {
    await proxy.restore();
    log(`limit enforced again ${await expectLimitBackWithin(5000)} ms after Redis came back`);
    expect(t.logs.text()).toContain('Redis answers again: per-IP throttling is back on');
  });

  it('Redis dropping the connection and black-holing new ones: requests pass at once', async () => {
    const ip = freshIp();
    await spend(t.url, ip, LIMIT);
    expectTooManyRequests(await hitAuth(t.url, ip));

    await proxy.cut('black-hole');
    log(`Redis black-holed: slowest request ${await expectServedUnthrottled()} ms`);
    await proxy.restore();
    log(`limit enforced again ${await expectLimitBackWithin(5000)} ms after the black hole ended`);
  });

  it('Redis freezing on a live connection: requests wait at most the command timeout', async () => {
    await proxy.cut('freeze');
    log(`Redis frozen: slowest request ${await expectServedUnthrottled()} ms`);
    await proxy.restore();
    log(`limit enforced again ${await expectLimitBackWithin(5000)} ms after the freeze ended`);
  });

  it('Redis refusing mid-life: requests pass at once', async () => {
    await proxy.cut('refuse');
    log(`Redis refused mid-life: slowest request ${await expectServedUnthrottled()} ms`);
    await proxy.restore();
    await expectLimitBackWithin(5000);
  });

  it('closes its Redis connection on shutdown', async () => {
    expect(proxy.openConnections).toBe(1);
    await t.close();
    closed = true;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the proxy sees the close a tick later
    expect(proxy.openConnections).toBe(0);
  });
});
