import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { BODY_LIMIT_BYTES } from '../src/app.setup';
import { registerUser } from './support/accounts';
import { closeRawAgent, sendOverSocket, sendRaw } from './support/raw-http';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

const PROBLEM = 'application/problem+json; charset=utf-8';

/** What helmet (configured in configureApp) must send on every page, document and API answer. */
function expectSecurityHeaders(headers: IncomingHttpHeaders | Record<string, string>): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("base-uri 'self'");
  expect(csp).toContain("form-action 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  // the CSP's frame-ancestors 'none' governs in browsers that know it; X-Frame-Options is for the rest
  expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['strict-transport-security']).toMatch(/^max-age=(\d+); includeSubDomains$/);
  expect(
    Number(/max-age=(\d+)/.exec(String(headers['strict-transport-security']))?.[1]),
  ).toBeGreaterThanOrEqual(15_552_000); // 180 days
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(headers['x-powered-by']).toBeUndefined();
  expect(headers.server).toBeUndefined();
}

describe('Security headers (real PostgreSQL)', () => {
  let t: TestApp;
  let accessToken: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ accessToken } = await registerUser(t.url));
  });
  afterAll(() => t.close());

  it.each([
    ['the liveness probe', () => request(t.url).get('/health/live'), 200],
    [
      'an authenticated API answer',
      () => request(t.url).get('/v1/users/me').set('authorization', `Bearer ${accessToken}`),
      200,
    ],
    ['a 401 problem', () => request(t.url).get('/v1/users/me'), 401],
    ['a 404 problem for an unknown route', () => request(t.url).get('/v1/nowhere'), 404],
    [
      'a 400 problem for malformed JSON',
      () =>
        request(t.url)
          .post('/v1/auth/login')
          .set('content-type', 'application/json')
          .send('{"username":'),
      400,
    ],
    [
      'a 413 problem',
      () =>
        request(t.url)
          .post('/v1/auth/login')
          .set('content-type', 'application/json')
          .send(`{"username":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`),
      413,
    ],
    ['the sign-up wall page', () => request(t.url).get('/'), 200],
    ['the page’s stylesheet', () => request(t.url).get('/css/page.css'), 200],
    ['the OpenAPI document', () => request(t.url).get('/docs-json'), 200],
  ])('on %s', async (_what, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expectSecurityHeaders(res.headers);
  });

  it('on the Swagger UI and its scripts', async () => {
    const ui = await request(t.url).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    expectSecurityHeaders(ui.headers);
    const scripts = [...ui.text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    // script-src 'self' allows no inline script: every script the UI needs is a file of ours
    expect(ui.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>\s*\S/);
    for (const src of scripts) {
      const script = await request(t.url).get(new URL(src, `${t.url}/docs`).pathname);
      expect(script.status).toBe(200);
      expect(script.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('on the problems answered before Nest runs: nosniff and problem+json at least', async () => {
    const tooLongId = await sendRaw(t.url, {
      method: 'DELETE',
      path: `/v1/phone-verifications/${'z'.repeat(101)}`,
    });
    const badEscape = await sendRaw(t.url, { method: 'GET', path: '/v1/phone-verifications/%zz' });
    const expectation = await sendRaw(t.url, {
      method: 'GET',
      path: '/health/live',
      headers: [['expect', 'nothing']],
    });
    const headerOverflow = await sendRaw(t.url, {
      method: 'GET',
      path: '/health/live',
      headers: [['x-big', 'x'.repeat(17_000)]],
    });
    for (const [res, status] of [
      [tooLongId, 414],
      [badEscape, 400],
      [expectation, 417],
      [headerOverflow, 431],
    ] as const) {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    closeRawAgent();
  });
});

describe('Body limit: exactly 100 kB (real PostgreSQL)', () => {
  let t: TestApp;
  /** Every response of this block, checked against /docs-json by its last test. */
  const conformance = new OpenApiConformance();
  beforeAll(async () => {
    t = await createTestApp({ recorder: conformance });
  });
  afterAll(async () => {
    closeRawAgent();
    await t.close();
  });

  /** A JSON body of exactly `bytes` bytes: {"username":"xxx…"}. */
  const bodyOf = (bytes: number) => {
    const frame = '{"username":""}';
    return Buffer.from(`{"username":"${'x'.repeat(bytes - frame.length)}"}`);
  };
  const post = (body: Buffer, headers: Array<[string, string]> = []) =>
    sendRaw(t.url, {
      method: 'POST',
      path: '/v1/auth/login',
      headers: [['content-type', 'application/json'], ...headers],
      body,
    });

  it('is 102 400 bytes', () => {
    expect(BODY_LIMIT_BYTES).toBe(102_400);
    expect(bodyOf(BODY_LIMIT_BYTES)).toHaveLength(102_400);
  });

  it.each([BODY_LIMIT_BYTES - 1, BODY_LIMIT_BYTES])(
    'passes a %i-byte body on to validation (400 VALIDATION_FAILED on username, not 413)',
    async (bytes) => {
      const res = await post(bodyOf(bytes));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(JSON.parse(res.body.toString())).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: expect.arrayContaining([expect.objectContaining({ field: 'username' })]),
      });
    },
  );

  it.each([BODY_LIMIT_BYTES + 1, BODY_LIMIT_BYTES + 1024, 10 * BODY_LIMIT_BYTES])(
    'answers a %i-byte body with 413 PAYLOAD_TOO_LARGE as problem+json',
    async (bytes) => {
      const res = await post(bodyOf(bytes));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(JSON.parse(res.body.toString())).toEqual({
        type: 'about:blank',
        title: 'Payload Too Large',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        detail: 'The request body is larger than 100 kB.',
      });
    },
  );

  it('counts the bytes of a chunked body too (no Content-Length to trust)', async () => {
    const chunk = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
    const over = bodyOf(BODY_LIMIT_BYTES + 1).toString();
    const under = bodyOf(BODY_LIMIT_BYTES).toString();
    const head = (close: boolean) =>
      'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Transfer-Encoding: chunked\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    const split = (text: string) => chunk(text.slice(0, 60_000)) + chunk(text.slice(60_000));
    const refused = await sendOverSocket(
      t.url,
      Buffer.from(`${head(true)}${split(over)}0\r\n\r\n`),
    );
    expect(refused.status).toBe(413);
    expect(refused.headers['content-type']).toBe(PROBLEM);
    const passed = await sendOverSocket(
      t.url,
      Buffer.from(`${head(true)}${split(under)}0\r\n\r\n`),
    );
    expect(passed.status).toBe(400);
  });

  it('refuses a declared Content-Length over the limit at once, without waiting for the body', async () => {
    const res = await sendOverSocket(
      t.url,
      Buffer.from(
        'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 10000000\r\nConnection: close\r\n\r\n{"username":',
      ),
      { timeoutMs: 3000 },
    );
    expect(res.status).toBe(413);
    expect(res.elapsedMs).toBeLessThan(1000);
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 3);
  });
});

describe('Request timeout: HTTP_REQUEST_TIMEOUT_MS cuts off slow and stalled clients (real PostgreSQL)', () => {
  const TIMEOUT_MS = 1000;
  // Node checks deadlines once a second (configureApp), so a request is cut between TIMEOUT_MS
  // and TIMEOUT_MS + 1 s after it began; the rest is slack for a loaded two-core machine.
  const CUT_OFF_BY_MS = TIMEOUT_MS + 1000 + 1500;
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { HTTP_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });
  afterAll(() => t.close());

  const head =
    'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';

  function expectTimedOut(res: Awaited<ReturnType<typeof sendOverSocket>>): void {
    expect(res.status).toBe(408);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body.toString())).toMatchObject({
      status: 408,
      code: 'REQUEST_TIMEOUT',
    });
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(res.closedAfterMs).toBeLessThan(CUT_OFF_BY_MS);
  }

  it('answers 408 and closes when the body stalls after the headers', async () => {
    const res = await sendOverSocket(t.url, Buffer.from(`${head}{"username":`), {
      timeoutMs: 10_000,
    });
    expectTimedOut(res);
  });

  it('answers 408 and closes when the body trickles in a byte at a time (the socket is never idle)', async () => {
    const bytes = [...`{"username":"${'a'.repeat(150)}`].map((c) => Buffer.from(c));
    const res = await sendOverSocket(t.url, [Buffer.from(head), ...bytes], {
      gapMs: 100,
      timeoutMs: 10_000,
    });
    expectTimedOut(res);
  });

  it('answers 408 and closes when the headers themselves trickle (slowloris)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => Buffer.from(`X-Slow-${i}: a\r\n`));
    const res = await sendOverSocket(
      t.url,
      [Buffer.from('GET /health/live HTTP/1.1\r\nHost: x\r\n'), ...lines],
      { gapMs: 200, timeoutMs: 10_000 },
    );
    expectTimedOut(res);
  });

  it('does not cut a request whose handler takes longer than the timeout (it bounds receiving only)', async () => {
    const { accessToken } = await registerUser(t.url);
    t.sms.delayMs = TIMEOUT_MS + 1500;
    try {
      const started = performance.now();
      const res = await startVerification(t.url, accessToken, uniquePhone());
      expect(res.status).toBe(201);
      expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS + 1500);
    } finally {
      t.sms.delayMs = 0;
    }
  });

  it('lets a keep-alive connection idle between requests and then serve the next one', async () => {
    const get = Buffer.from('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    const last = Buffer.from('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const res = await sendOverSocket(t.url, [get, last], {
      gapMs: TIMEOUT_MS + 1500,
      timeoutMs: 10_000,
    });
    expect(res.status).toBe(200);
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS + 1500);
  });
});

describe('Why configureApp caps headersTimeout and the checking interval (Node itself)', () => {
  // If this starts failing, Node no longer swaps the two timeouts and the cap may go.
  it('a plain Node server with requestTimeout set after creation lets a stalled body sit past it', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.requestTimeout = 1000; // headersTimeout stays at its 60 s default
    Object.assign(server, { connectionsCheckingInterval: 250 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const stalled = sendOverSocket(
        url,
        Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{'),
        { timeoutMs: 3000 },
      );
      await expect(stalled).rejects.toThrow('did not close the connection within 3000 ms');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('Retry-After accompanies every 429 (real PostgreSQL)', () => {
  let t: TestApp;
  /** Every response of this block, checked against /docs-json by its last test. */
  const conformance = new OpenApiConformance();
  const seen: Array<{ code: string; header: string | undefined; retryAfterSeconds: unknown }> = [];
  beforeAll(async () => {
    t = await createTestApp({
      recorder: conformance,
      env: {
        TRUST_PROXY: 'true',
        OTP_RESEND_COOLDOWN_SECONDS: '60',
        OTP_MAX_SENDS_PER_PHONE_PER_HOUR: '2',
        OTP_MAX_SMS_PER_PHONE_PER_DAY: '2',
        OTP_MAX_SENDS_PER_USER_PER_DAY: '3',
        OTP_MAX_SENDS_PER_IP_PER_HOUR: '4',
        OTP_MAX_ATTEMPTS: '3',
        LOGIN_MAX_FAILURES: '3',
        // above the registrations this block makes from 127.0.0.1; the last test exceeds it
        AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '40',
      },
    });
  });
  afterAll(() => t.close());

  let ipCounter = 0;
  const freshIp = () => ({ 'x-forwarded-for': `203.0.113.${++ipCounter}` });

  /** Records the 429 and checks its Retry-After against the body's retryAfterSeconds. */
  function expect429(res: request.Response, code: string): void {
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.body.code).toBe(code);
    seen.push({
      code,
      header: res.headers['retry-after'],
      retryAfterSeconds: res.body.retryAfterSeconds,
    });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['retry-after']).toBe(String(res.body.retryAfterSeconds));
  }

  it('RESEND_COOLDOWN', async () => {
    const { accessToken } = await registerUser(t.url);
    const phone = uniquePhone();
    const ip = freshIp();
    await startVerification(t.url, accessToken, phone, ip).expect(201);
    t.clock.advance(18);
    expect429(await startVerification(t.url, accessToken, phone, ip), 'RESEND_COOLDOWN');
    expect(seen.at(-1)?.header).toBe('42');
  });

  it('SEND_LIMIT_REACHED per number (the daily cap across accounts), per account and per address', async () => {
    const phone = uniquePhone();
    for (let i = 0; i < 2; i++) {
      const { accessToken } = await registerUser(t.url);
      await startVerification(t.url, accessToken, phone, freshIp()).expect(201);
    }
    const late = await registerUser(t.url);
    expect429(
      await startVerification(t.url, late.accessToken, phone, freshIp()),
      'SEND_LIMIT_REACHED',
    );

    const busy = await registerUser(t.url);
    for (let i = 0; i < 3; i++) {
      await startVerification(t.url, busy.accessToken, uniquePhone(), freshIp()).expect(201);
    }
    expect429(
      await startVerification(t.url, busy.accessToken, uniquePhone(), freshIp()),
      'SEND_LIMIT_REACHED',
    );

    const sharedIp = freshIp();
    for (let i = 0; i < 4; i++) {
      const { accessToken } = await registerUser(t.url);
      await startVerification(t.url, accessToken, uniquePhone(), sharedIp).expect(201);
    }
    const next = await registerUser(t.url);
    expect429(
      await startVerification(t.url, next.accessToken, uniquePhone(), sharedIp),
      'SEND_LIMIT_REACHED',
    );
  });

  it('TOO_MANY_ATTEMPTS', async () => {
    const { accessToken } = await registerUser(t.url);
    const phone = uniquePhone();
    await startVerification(t.url, accessToken, phone, freshIp()).expect(201);
    const wrong = wrongCode(t.sms.lastCodeFor(e164(phone)));
    for (let i = 0; i < 3; i++) await checkCode(t.url, accessToken, phone, wrong).expect(400);
    expect429(await checkCode(t.url, accessToken, phone, wrong), 'TOO_MANY_ATTEMPTS');
  });

  it('TOO_MANY_LOGIN_ATTEMPTS', async () => {
    const account = await registerUser(t.url);
    const ip = freshIp();
    const login = (password: string) =>
      request(t.url).post('/v1/auth/login').set(ip).send({ username: account.username, password });
    for (let i = 0; i < 3; i++) await login('wrong password').expect(401);
    expect429(await login(account.password), 'TOO_MANY_LOGIN_ATTEMPTS');
  });

  it('TOO_MANY_REQUESTS from the per-address limit on register, login and refresh', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await request(t.url)
        .post('/v1/auth/refresh')
        .set(ip)
        .send({ refreshToken: `not-a-token-${i}` });
      statuses.push(res.status);
    }
    expect(new Set(statuses)).toEqual(new Set([401]));
    const over = await request(t.url)
      .post('/v1/auth/refresh')
      .set(ip)
      .send({ refreshToken: 'not-a-token' });
    expect429(over, 'TOO_MANY_REQUESTS');
  });

  it('and the browser may read it: CORS exposes Retry-After', async () => {
    const cors = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example' } });
    try {
      const res = await request(cors.url).get('/health/live').set('origin', 'https://app.example');
      expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
    } finally {
      await cors.close();
    }
  });

  it('provoked every kind of 429 there is, and each carried the header', () => {
    expect(new Set(seen.map((s) => s.code))).toEqual(
      new Set([
        'RESEND_COOLDOWN',
        'SEND_LIMIT_REACHED',
        'TOO_MANY_ATTEMPTS',
        'TOO_MANY_LOGIN_ATTEMPTS',
        'TOO_MANY_REQUESTS',
      ]),
    );
    expect(seen.every((s) => s.header !== undefined)).toBe(true);
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 10);
  });
});
