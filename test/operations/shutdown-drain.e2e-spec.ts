import { randomBytes } from 'node:crypto';
import { FakeSparrowServer } from '../fakes/fake-sparrow-server';
import { AppProcess, killAppProcesses, startAppProcess } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { uniquePhone } from '../support/verification-flow';

const DRAIN_SECONDS = 3;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  at: number;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
    at: performance.now(),
  };
}

/**
 * Issue 21, drain: on SIGTERM a production process first answers readiness 503 SHUTTING_DOWN for
 * SHUTDOWN_DRAIN_SECONDS while every other route still serves (a send too), then stops as before
 * and exits 0; both steps are logged.
 */
describe('SIGTERM drain (a server process)', () => {
  const sparrow = new FakeSparrowServer({ token: 'shutdown-drain-sparrow-token' });
  let database: TestDatabase;
  let app: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    await sparrow.start();
    app = await startAppProcess({
      env: {
        DATABASE_URL: database.url,
        ...sparrow.appEnv(),
        SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
      },
    });
  }, 90_000);
  afterAll(async () => {
    killAppProcesses();
    await sparrow.stop();
    await database?.drop();
  });

  it('answers readiness 503 SHUTTING_DOWN at once while a send still succeeds, then exits 0 after the drain', async () => {
    const register = await call(`${app.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `dr_${randomBytes(5).toString('hex')}`,
        password: 'long-enough-pw',
      }),
    });
    expect(register.status).toBe(201);
    const authorization = `Bearer ${register.body.accessToken as string}`;
    expect((await call(`${app.url}/health/ready`)).status).toBe(200);

    const sigtermAt = performance.now();
    const stopping = app.stop('SIGTERM', (DRAIN_SECONDS + 10) * 1000);
    let ready = await call(`${app.url}/health/ready`);
    while (ready.status === 200 && ready.at - sigtermAt < 1000) {
      ready = await call(`${app.url}/health/ready`); // the signal is delivered asynchronously
    }
    const flippedMs = Math.round(ready.at - sigtermAt);
    const send = await call(`${app.url}/v1/phone-verifications`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: uniquePhone() }),
    });
    const me = await call(`${app.url}/v1/users/me`, { headers: { authorization } });
    const live = await call(`${app.url}/health/live`);
    const readyLater = await call(`${app.url}/health/ready`);
    const exit = await stopping;
    const exitMs = Math.round(performance.now() - sigtermAt);

    const lines = app
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg?: string });
    const steps = lines.filter((line) => /^SIGTERM: |^stopped$/.test(line.msg ?? ''));
    process.stdout.write(
      `[shutdown-drain] readiness ${ready.status} ${String(ready.body.code)} ${flippedMs} ms after SIGTERM; ` +
        `during the drain: send ${send.status}, /v1/users/me ${me.status}, /health/live ${live.status} ` +
        `readiness ${readyLater.status}; ` +
        `exit ${JSON.stringify(exit)} ${exitMs} ms after SIGTERM (drain ${DRAIN_SECONDS} s)\n` +
        steps.map((line) => `  ${JSON.stringify(line)}\n`).join(''),
    );

    expect(ready.status).toBe(503);
    expect(flippedMs).toBeLessThan(1000);
    expect(ready.body).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
    expect(ready.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(send.status).toBe(201);
    expect(sparrow.smsRequests).toHaveLength(1);
    expect(me.status).toBe(200);
    expect(live.status).toBe(200);
    expect(readyLater.status).toBe(503);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000);
    expect(exitMs).toBeLessThan(DRAIN_SECONDS * 1000 + 5000);
    expect(steps.map((line) => line.msg)).toEqual([
      `SIGTERM: draining for ${DRAIN_SECONDS} s; /health/ready answers 503 SHUTTING_DOWN, every other route still serves`,
      'SIGTERM: stopping; no new connections, finishing the requests in flight, then closing the pool',
      'stopped',
    ]);
    // a drain is the plan, not an error
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
