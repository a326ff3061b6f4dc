import { Client } from 'pg';
import request from 'supertest';
import { registerUser, RegisteredUser } from './support/accounts';
import { CutMode, TcpProxy } from './support/tcp-proxy';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

/** Well under a client's patience: a request that needs the database answers 503 within this. */
const FAIL_FAST_MS = 5000;
/** The app reconnects on its own, without a restart, within this once the database is back. */
const RECOVERY_MS = 5000;

const DATABASE_UNAVAILABLE = {
  type: 'about:blank',
  title: 'Service Unavailable',
  status: 503,
  code: 'DATABASE_UNAVAILABLE',
  detail: 'The service cannot reach its database; try again shortly.',
  retryAfterSeconds: 5,
};

const log = (line: string) => process.stdout.write(`[database-faults] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The app reaches PostgreSQL through a TCP proxy that the tests cut (live connections destroyed,
 * new ones refused or black-holed, or live ones frozen) and restore, under a running app.
 */
describe('Database faults (PostgreSQL behind a TCP proxy)', () => {
  /** Every response of this spec (503s included), checked against /docs-json by the last test. */
  const conformance = new OpenApiConformance();
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  /** Straight to the database, around the proxy: to look at rows while the app cannot. */
  let direct: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const { port } = await proxy.start();
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(port);
    t = await createTestApp({
      database,
      recorder: conformance,
      env: { DATABASE_URL: proxied.toString(), OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000' },
    });
    direct = new Client({ connectionString: database.url });
    await direct.connect();
  });
  afterAll(async () => {
    await direct?.end();
    await t?.close();
    await proxy?.stop();
    await database?.drop();
  });

  /** Sends a request and times it. */
  async function timed(req: request.Test): Promise<{ res: request.Response; ms: number }> {
    const started = performance.now();
    const res = await req;
    return { res, ms: Math.round(performance.now() - started) };
  }

  function expectDatabaseUnavailable(res: request.Response, what: string): void {
    expect({ what, status: res.status }).toEqual({ what, status: 503 });
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['retry-after']).toBe('5');
    // exactly the public document: no SQL, driver message, address or stack can hide in it
    expect(res.body).toEqual(DATABASE_UNAVAILABLE);
  }

  async function attemptsLeft(verificationId: string): Promise<number> {
    const { rows } = await direct.query<{ attempts_left: number }>(
      'SELECT attempts_left FROM phone_verifications WHERE id = $1',
      [verificationId],
    );
    return rows[0].attempts_left;
  }

  /** Polls readiness until it answers 200; returns how long that took. */
  async function waitUntilReady(): Promise<number> {
    const started = performance.now();
    for (;;) {
      const res = await request(t.url).get('/health/ready');
      if (res.status === 200) return Math.round(performance.now() - started);
      if (performance.now() - started > RECOVERY_MS) {
        throw new Error(`not ready ${RECOVERY_MS} ms after the database came back: ${res.status}`);
      }
      await sleep(50);
    }
  }

  interface Scene {
    /** Has a pending verification with a known code from before the outage. */
    checker: RegisteredUser;
    checkerPhone: string;
    checkerCode: string;
    checkerVerificationId: string;
    /** Has no verification: will try to start one during the outage. */
    sender: RegisteredUser;
    senderPhone: string;
  }

  async function setScene(): Promise<Scene> {
    const [checker, sender] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const checkerPhone = uniquePhone();
    const started = await startVerification(t.url, checker.accessToken, checkerPhone).expect(201);
    return {
      checker,
      checkerPhone,
      checkerCode: t.sms.lastCodeFor(e164(checkerPhone)),
      checkerVerificationId: started.body.id,
      sender,
      senderPhone: uniquePhone(),
    };
  }

  /** Every kind of request that needs the database, during the outage: all 503, all fast. */
  async function duringOutage(scene: Scene): Promise<number[]> {
    const { checker, sender } = scene;
    const bearer = (user: RegisteredUser) => `Bearer ${user.accessToken}`;
    const attempts: Array<[string, () => request.Test]> = [
      ['send', () => startVerification(t.url, sender.accessToken, scene.senderPhone)],
      [
        'check (wrong code)',
        () =>
          checkCode(t.url, checker.accessToken, scene.checkerPhone, wrongCode(scene.checkerCode)),
      ],
      [
        'check (right code)',
        () => checkCode(t.url, checker.accessToken, scene.checkerPhone, scene.checkerCode),
      ],
      [
        'read verification',
        () =>
          request(t.url)
            .get(`/v1/phone-verifications/${scene.checkerVerificationId}`)
            .set('authorization', bearer(checker)),
      ],
      ['me', () => request(t.url).get('/v1/users/me').set('authorization', bearer(checker))],
      [
        'login',
        () =>
          request(t.url)
            .post('/v1/auth/login')
            .send({ username: checker.username, password: checker.password }),
      ],
      [
        'register',
        () =>
          request(t.url)
            .post('/v1/auth/register')
            .send({ username: `u_${Date.now()}`, password: 'long-enough-pw' }),
      ],
    ];
    // in parallel, as clients would arrive: none may wait for another's timeout
    const results = await Promise.all(
      attempts.map(async ([what, send]) => ({ what, ...(await timed(send())) })),
    );
    for (const { what, res, ms } of results) {
      expectDatabaseUnavailable(res, what);
      expect({ what, ms: ms < FAIL_FAST_MS }).toEqual({ what, ms: true });
    }

    const ready = await timed(request(t.url).get('/health/ready'));
    expect(ready.res.status).toBe(503);
    expect(ready.res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(ready.res.body).toMatchObject({ status: 503, code: 'NOT_READY' });
    expect(ready.ms).toBeLessThan(FAIL_FAST_MS);
    await request(t.url).get('/health/live').expect(200);
    return [...results.map((r) => r.ms), ready.ms];
  }

  /** After the outage: nothing was half-written, and everyone can carry on at once. */
  async function afterRecovery(scene: Scene): Promise<void> {
    const { checker, sender } = scene;
    // the failed check spent no attempt, and the code from before the outage still works once
    expect(await attemptsLeft(scene.checkerVerificationId)).toBe(t.config.otp.maxAttempts);
    const read = await request(t.url)
      .get(`/v1/phone-verifications/${scene.checkerVerificationId}`)
      .set('authorization', `Bearer ${checker.accessToken}`)
      .expect(200);
    expect(read.body).toMatchObject({ status: 'pending', attemptsLeft: t.config.otp.maxAttempts });

    // the failed send left no verification, no code and no cooldown
    const { rows } = await direct.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM phone_verifications WHERE user_id = $1',
      [sender.id],
    );
    expect(rows[0].n).toBe(0);
    const anyCode = await checkCode(t.url, sender.accessToken, scene.senderPhone, '123456');
    expect(anyCode.status).toBe(404);
    expect(anyCode.body.code).toBe('VERIFICATION_NOT_FOUND');
    await startVerification(t.url, sender.accessToken, scene.senderPhone).expect(201);
    await checkCode(
      t.url,
      sender.accessToken,
      scene.senderPhone,
      t.sms.lastCodeFor(e164(scene.senderPhone)),
    ).expect(200);
    await checkCode(t.url, checker.accessToken, scene.checkerPhone, scene.checkerCode).expect(200);
  }

  async function outage(mode: CutMode, whileCut?: () => Promise<void>): Promise<void> {
    const scene = await setScene();
    await proxy.cut(mode);
    const times = await duringOutage(scene);
    log(`${mode}: every request answered 503 in ${Math.min(...times)}–${Math.max(...times)} ms`);
    await whileCut?.();
    await proxy.restore();
    log(`${mode}: ready again ${await waitUntilReady()} ms after the database came back`);
    await afterRecovery(scene);
  }

  it('database refusing connections: 503 at once, and recovery on its own', async () => {
    await outage('refuse');
  });

  it('database silent (live connections dropped, new ones black-holed): 503 within the connect timeout', async () => {
    await outage('black-hole');
  });

  it('database frozen on live pooled connections (a partition): 503 within the query timeout', async () => {
    // warm the pool, so requests meet connections that go silent rather than new ones
    await Promise.all(
      Array.from({ length: 5 }, () => request(t.url).get('/health/ready').expect(200)),
    );
    await outage('freeze', async () => {
      // the timed-out connections were dropped, not handed back to the pool to hang again
      const deadline = performance.now() + 3000;
      while (proxy.openConnections > 0 && performance.now() < deadline) await sleep(50);
      expect(proxy.openConnections).toBe(0);
    });
  });

  describe('database lost while the gateway is sending (the reservation is committed)', () => {
    let user: RegisteredUser;
    let phone: string;

    it('answers 503, and the code that went out never works', async () => {
      user = await registerUser(t.url);
      phone = uniquePhone();
      t.sms.delayMs = 500;
      const attemptsBefore = t.sms.attempted.length;
      const sending = timed(startVerification(t.url, user.accessToken, phone));
      while (t.sms.attempted.length === attemptsBefore) await sleep(10);
      await proxy.cut('refuse');
      const { res, ms } = await sending;
      t.sms.delayMs = 0;
      expectDatabaseUnavailable(res, 'send');
      log(`cut during the gateway call: 503 after ${ms} ms (500 ms of it the gateway)`);
      await proxy.restore();
      await waitUntilReady();

      const delivered = t.sms.lastCodeFor(e164(phone)); // the gateway did accept the SMS
      const check = await checkCode(t.url, user.accessToken, phone, delivered);
      expect(check.status).toBe(404);
      expect(check.body.code).toBe('VERIFICATION_NOT_FOUND');
    });

    // The reservation stays `pending` (its request died before it could record the outcome). It
    // holds the user back only until no live send could still be that old; quotas keep counting it.
    it('lets the user ask again once the dead reservation is past the longest possible send', async () => {
      const soon = await startVerification(t.url, user.accessToken, phone).expect(429);
      expect(soon.body.code).toBe('RESEND_COOLDOWN');
      const settleSeconds = Math.ceil((2 * t.config.sms.sparrow.timeoutMs + 5000) / 1000);
      expect(soon.body.retryAfterSeconds).toBeLessThanOrEqual(settleSeconds);
      t.clock.advance(settleSeconds);
      await startVerification(t.url, user.accessToken, phone).expect(201);
      await checkCode(t.url, user.accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
    });
  });

  it('answered no request of any of the outages above with a 500', () => {
    const internalErrors = t.logs.parsed().filter((line) => line.code === 'INTERNAL_ERROR');
    expect(internalErrors).toEqual([]);
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 10);
  });
});
