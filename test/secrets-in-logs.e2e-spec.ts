import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { maskPhone } from '../src/common/logging/mask';
import { FakeSparrowServer, sparrowReplies } from './fakes/fake-sparrow-server';
import { createTestApp, TestApp } from './support/test-app';
import { e164, uniquePhone, wrongCode } from './support/verification-flow';

/*
 * The whole flow, with the real Sparrow adapter against the fake Sparrow server and LOG_LEVEL=debug,
 * then a scan of everything the process wrote: the app's log stream, and stdout, stderr and the
 * console while the flow ran. No one-time code, password, token, secret or Authorization header
 * may appear; phone numbers only masked. (The console gateway, development only, logs the code
 * by design: it is not used here.)
 */

const SPARROW_TOKEN = 'v2_SPARROW-leak-canary-7f3a9c1e5b2d4f6a8c0e';
const JWT_SECRET = 'jwt-leak-canary-4e1f7a3c9b5d2e8f6a0c1b3d5e7f9a2c';
const OTP_HMAC_SECRET = 'otp-hmac-leak-canary-8b2d4f6a0c1e3a5c7e9b1d3f5a7c9e0b';
const CHALLENGE_HMAC_SECRET = 'challenge-leak-canary-6c9e2a4f8b1d3e5a7c9f0b2d4e6a8c1e';
const PASSWORD = 'Password-leak-canary-2c4e6a8b';
const WRONG_PASSWORD = 'WrongPassword-leak-canary-9d1f3b5c';
const SPARROW_TIMEOUT_MS = 300;

const DEVANAGARI = '०१२३४५६७८९';
const devanagari = (digits: string) => digits.replace(/\d/g, (d) => DEVANAGARI[Number(d)]);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `needle` as a whole run of digits/letters, not inside a longer one (a timestamp, a UUID). */
const standalone = (needle: string) =>
  new RegExp(`(?<![0-9A-Za-z])${escape(needle)}(?![0-9A-Za-z])`);

/** Where `pattern` occurs in `text`, with some context: empty when it does not. */
function occurrences(text: string, pattern: RegExp | string, label: string): string[] {
  const regex =
    typeof pattern === 'string'
      ? new RegExp(escape(pattern), 'g')
      : new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  return [...text.matchAll(regex)].map(
    (m) => `${label} at …${text.slice(Math.max(0, m.index - 100), m.index + m[0].length + 60)}…`,
  );
}

/** Every line written to stdout or stderr, and every console call, while installed. */
class ProcessOutput {
  readonly chunks: string[] = [];
  private restore: Array<() => void> = [];

  install(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      // write() has several overloads; the capture only reads the first argument
      const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
        this.chunks.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      };
      stream.write = capture;
      this.restore.push(() => {
        stream.write = original;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        this.chunks.push(
          args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
        );
      });
      this.restore.push(() => spy.mockRestore());
    }
  }

  uninstall(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }

  text(): string {
    return this.chunks.join('\n');
  }
}

/**
 * A Sparrow that refuses every SMS and echoes back what it was sent, piece by piece: the receiver
 * number and the code alone (the adapter already cuts the token and the whole text out).
 */
async function startEchoingSparrow(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const fields = new URLSearchParams(Buffer.concat(chunks).toString());
      const code = /^\d+/.exec(fields.get('text') ?? '')?.[0] ?? '';
      const body = JSON.stringify({
        response_code: 1007,
        response: `Invalid Receiver ${fields.get('to')} (message ${code} not queued)`,
      });
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('Secrets never logged: the whole flow through the Sparrow adapter at LOG_LEVEL=debug', () => {
  const sparrow = new FakeSparrowServer({ token: SPARROW_TOKEN });
  const output = new ProcessOutput();
  let echoing: { server: Server; url: string };
  let t: TestApp;
  let echoApp: TestApp;

  /** Every response body the flow received. */
  const responses: Array<{ what: string; body: string }> = [];
  const tokens: string[] = [];
  const phones: string[] = [];
  /** Numbers the service had a reason to log about (Sparrow was asked, or a limit refused). */
  const loggedAbout: string[] = [];

  let ipCounter = 0;
  const freshIp = () => `198.51.100.${++ipCounter}`;

  function record(what: string, res: request.Response): request.Response {
    responses.push({ what, body: res.text ?? '' });
    for (const key of ['accessToken', 'refreshToken'] as const) {
      const value: unknown = res.body?.[key];
      if (typeof value === 'string') tokens.push(value);
    }
    return res;
  }

  function newPhone(): string {
    const phone = uniquePhone('981');
    phones.push(phone);
    return phone;
  }

  const codesSent = () =>
    [...sparrow.smsRequests, ...echoRequests].flatMap((posted) =>
      [...(posted.fields.text ?? '').matchAll(/(?:^|#)(\d{4,10})/g)].map((m) => m[1]),
    );
  const echoRequests: Array<{ fields: Record<string, string> }> = [];

  beforeAll(async () => {
    output.install();
    // the capture itself must work, or its silence proves nothing
    process.stdout.write('stdout capture check\n');
    console.warn('console capture check');
    expect(output.text()).toContain('stdout capture check');
    expect(output.text()).toContain('console capture check');
    await sparrow.start();
    echoing = await startEchoingSparrow();
    echoing.server.prependListener('request', (req) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        // the SMS posts (the service also asks for the credit balance in the background)
        if (req.method !== 'POST') return;
        echoRequests.push({
          fields: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())),
        });
      });
    });
    const env = {
      SMS_GATEWAY: 'sparrow',
      SPARROW_TOKEN,
      SPARROW_FROM: 'TheAlert',
      SPARROW_TIMEOUT_MS: String(SPARROW_TIMEOUT_MS),
      JWT_SECRET,
      OTP_HMAC_SECRET,
      CHALLENGE_HMAC_SECRET,
      OTP_WEBOTP_DOMAIN: 'verify.example.com',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: 'true',
      OTP_MAX_SENDS_PER_PHONE_PER_HOUR: '3',
      OTP_MAX_SMS_PER_PHONE_PER_DAY: '3',
      // circuits are not the subject here: every failure below must reach Sparrow
      SMS_GATEWAY_FAILURE_THRESHOLD: '1000',
    };
    t = await createTestApp({
      realSmsGateway: true,
      env: { ...env, SPARROW_BASE_URL: sparrow.url },
    });
    echoApp = await createTestApp({
      realSmsGateway: true,
      env: { ...env, SPARROW_BASE_URL: echoing.url },
    });
  });

  afterAll(async () => {
    output.uninstall();
    await t?.close();
    await echoApp?.close();
    await sparrow.stop();
    await new Promise((resolve) => echoing.server.close(resolve));
  });

  const post = (app: TestApp, path: string, body: unknown, token?: string) => {
    const req = request(app.url).post(path).set('x-forwarded-for', freshIp());
    if (token) void req.set('authorization', `Bearer ${token}`);
    return req.send(body as object);
  };

  it('runs the flow: register, login, refresh, logout, send, resend, wrong and right code, unlink', async () => {
    const registered = record(
      'register',
      await post(t, '/v1/auth/register', { username: 'leak_canary_user', password: PASSWORD }),
    );
    expect(registered.status).toBe(201);
    const access = registered.body.accessToken as string;

    expect(
      record(
        'login with a wrong password',
        await post(t, '/v1/auth/login', { username: 'leak_canary_user', password: WRONG_PASSWORD }),
      ).status,
    ).toBe(401);
    const login = record(
      'login',
      await post(t, '/v1/auth/login', { username: 'LEAK_canary_user', password: PASSWORD }),
    );
    expect(login.status).toBe(200);
    const refreshed = record(
      'refresh',
      await post(t, '/v1/auth/refresh', { refreshToken: login.body.refreshToken }),
    );
    expect(refreshed.status).toBe(200);
    // presenting the spent one again revokes the session
    expect(
      record(
        'refresh reuse',
        await post(t, '/v1/auth/refresh', { refreshToken: login.body.refreshToken }),
      ).status,
    ).toBe(401);
    expect(
      record(
        'logout',
        await post(t, '/v1/auth/logout', { refreshToken: registered.body.refreshToken }, access),
      ).status,
    ).toBe(204);

    const phone = newPhone();
    loggedAbout.push(phone);
    const typed = `+977 ${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`;
    const started = record(
      'send',
      await post(t, '/v1/phone-verifications', { phone: typed }, access),
    );
    expect(started.status).toBe(201);
    t.clock.advance(61);
    const resent = record(
      'resend',
      await post(t, '/v1/phone-verifications', { phone: devanagari(phone) }, access),
    );
    expect(resent.status).toBe(201);
    const code = /^\d+/.exec(sparrow.smsRequests.at(-1)?.fields.text ?? '')?.[0] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    const wrong = record(
      'wrong code',
      await post(t, '/v1/phone-verifications/check', { phone, code: wrongCode(code) }, access),
    );
    expect(wrong.body.code).toBe('INVALID_CODE');
    const right = record(
      'right code',
      await post(
        t,
        '/v1/phone-verifications/check',
        { phone: e164(phone), code: devanagari(code) },
        access,
      ),
    );
    expect(right.status).toBe(200);
    const me = record(
      'me',
      await request(t.url).get('/v1/users/me').set('authorization', `Bearer ${access}`),
    );
    expect(me.body.phoneNumber).toBe(e164(phone));
    const unlinked = record(
      'unlink',
      await request(t.url).delete('/v1/users/me/phone').set('authorization', `Bearer ${access}`),
    );
    expect(unlinked.status).toBe(204);
  });

  it('runs the failures: Sparrow refusals 1002 and 1013, its 500, a timeout, a send limit', async () => {
    const { accessToken } = record(
      'register',
      await post(t, '/v1/auth/register', { username: 'leak_canary_two', password: PASSWORD }),
    ).body;
    for (const [reply, status] of [
      [sparrowReplies.refuse(1002), 502],
      [sparrowReplies.refuse(1013), 502],
      // Sparrow echoing the token in its refusal: the adapter cuts it out
      [
        sparrowReplies.raw(
          403,
          JSON.stringify({ response_code: 1002, response: `Invalid Token ${SPARROW_TOKEN}` }),
        ),
        502,
      ],
      [sparrowReplies.serverError(500), 503],
      [sparrowReplies.slow(SPARROW_TIMEOUT_MS + 700), 503],
    ] as const) {
      const phone = newPhone();
      loggedAbout.push(phone);
      sparrow.respondNextWith(reply);
      const res = record(
        `send, Sparrow ${status}`,
        await post(t, '/v1/phone-verifications', { phone }, accessToken),
      );
      expect(res.status).toBe(status);
    }
    // the per-number daily cap (3, across accounts) refuses with a warning about the number
    const busy = newPhone();
    loggedAbout.push(busy);
    for (let i = 0; i < 4; i++) {
      const account = record(
        'register',
        await post(t, '/v1/auth/register', {
          username: `leak_canary_busy_${i}`,
          password: PASSWORD,
        }),
      ).body;
      const res = record(
        'send to a busy number',
        await post(t, '/v1/phone-verifications', { phone: busy }, account.accessToken),
      );
      expect(res.status).toBe(i < 3 ? 201 : 429);
    }
  });

  it('runs malformed requests carrying secrets, and tokens in a query string (the request log printed the whole URL)', async () => {
    const truncated = await request(t.url)
      .post('/v1/auth/login')
      .set('content-type', 'application/json')
      .set('x-forwarded-for', freshIp())
      .send(`{"username":"leak_canary_user","password":"${PASSWORD}`);
    expect(record('truncated JSON', truncated).status).toBe(400);
    const unknownField = await post(t, '/v1/auth/login', {
      username: 'leak_canary_user',
      password: PASSWORD,
      passwd: PASSWORD,
    });
    expect(record('unknown field', unknownField).status).toBe(400);
    const badPhone = await post(
      t,
      '/v1/phone-verifications',
      { phone: `${newPhone()}0` },
      tokens[0],
    );
    expect(record('bad phone', badPhone).body.code).toBe('INVALID_PHONE');
    const bogus = await request(t.url)
      .get('/v1/nowhere')
      .set('authorization', `Bearer ${tokens[0]}`)
      .set('cookie', `session=${tokens[1]}`);
    expect(record('unknown route with credentials', bogus).status).toBe(404);
    const inQuery = await request(t.url).get(
      `/v1/users/me?access_token=${tokens[0]}&refresh_token=${tokens[1]}`,
    );
    expect(record('token in the query string', inQuery).status).toBe(401);
  });

  it('runs a valid token whose account was deleted, then a send (once the one 500 path; now a 401)', async () => {
    const doomed = record(
      'register',
      await post(t, '/v1/auth/register', { username: 'leak_canary_gone', password: PASSWORD }),
    ).body;
    await t.dataSource.query('DELETE FROM users WHERE id = $1', [doomed.user.id]);
    const phone = newPhone();
    const res = record(
      'send for a deleted account',
      await post(t, '/v1/phone-verifications', { phone }, doomed.accessToken),
    );
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('runs a Sparrow that echoes the receiver number and the code back in its refusal (logged unredacted until the adapter cut both out)', async () => {
    const { accessToken } = record(
      'register',
      await post(echoApp, '/v1/auth/register', {
        username: 'leak_canary_echo',
        password: PASSWORD,
      }),
    ).body;
    const phone = newPhone();
    const res = record(
      'send, Sparrow echoing',
      await post(echoApp, '/v1/phone-verifications', { phone }, accessToken),
    );
    expect(res.status).toBe(502);
    expect(echoRequests).toHaveLength(1);
  });

  describe('then everything the process wrote', () => {
    const everything = () => [t.logs.text(), echoApp.logs.text(), output.text()].join('\n');

    it('is a real log: the flow was logged, at debug level and in JSON', () => {
      const lines = t.logs.parsed();
      expect(t.config.logLevel).toBe('debug');
      expect(lines.length).toBeGreaterThan(40);
      expect(lines.filter((line) => line.msg === 'request completed').length).toBeGreaterThan(20);
      expect(lines.some((line) => line.msg === 'SMS accepted by Sparrow')).toBe(true);
      expect(lines.some((line) => String(line.msg).startsWith('SMS refused'))).toBe(true);
      expect(everything()).toContain('send limit reached');
      // a line written during a request carries that request's id, as its request line does
      const requestId = (line: Record<string, unknown>) =>
        (line.req as { id?: string } | undefined)?.id;
      const requests = new Set(
        lines.filter((line) => line.msg === 'request completed').map(requestId),
      );
      const accepted = lines.find((line) => line.msg === 'SMS accepted by Sparrow');
      expect(accepted && requests.has(requestId(accepted))).toBe(true);
    });

    it('holds no one-time code (every code Sparrow was sent)', () => {
      const codes = [...new Set(codesSent())];
      expect(codes.length).toBeGreaterThanOrEqual(9);
      const text = everything();
      expect(codes.flatMap((code) => occurrences(text, standalone(code), `code ${code}`))).toEqual(
        [],
      );
    });

    it('holds no password, access token, refresh token or secret', () => {
      expect(tokens.length).toBeGreaterThanOrEqual(8);
      const text = everything();
      const secrets = {
        PASSWORD,
        WRONG_PASSWORD,
        SPARROW_TOKEN,
        JWT_SECRET,
        OTP_HMAC_SECRET,
        CHALLENGE_HMAC_SECRET,
      };
      const found = Object.entries(secrets).flatMap(([name, secret]) =>
        occurrences(text, secret, name),
      );
      for (const token of tokens) {
        found.push(...occurrences(text, token, 'a token'));
        // nor a JWT's signature on its own, nor the start of a refresh token
        const part = token.includes('.') ? token.split('.')[2] : token.slice(0, 24);
        found.push(...occurrences(text, part, 'part of a token'));
      }
      expect(found).toEqual([]);
    });

    it('holds no Authorization or Cookie header value', () => {
      const text = everything();
      expect([
        ...occurrences(text, /Bearer\s+[A-Za-z0-9._-]{8,}/, 'a bearer token'),
        ...occurrences(text, /"(authorization|cookie)"\s*:\s*"(?!\[redacted\])/i, 'a header'),
        ...occurrences(text, 'session=', 'the cookie'),
      ]).toEqual([]);
    });

    it('holds no phone number except masked, and the masked form wherever a number was logged about', () => {
      const text = everything();
      const found = phones.flatMap((phone) => [
        ...occurrences(text, standalone(e164(phone).slice(1)), `${phone} in E.164`),
        ...occurrences(text, standalone(phone), `${phone} national`),
        ...occurrences(text, devanagari(phone), `${phone} in Devanagari`),
        // the number with any separators people type
        ...occurrences(text, new RegExp(phone.split('').join('[ ().-]?')), `${phone} typed`),
      ]);
      expect(found).toEqual([]);
      for (const phone of loggedAbout) {
        const masked = maskPhone(e164(phone));
        expect(masked).toMatch(/^\+9779\dX{4}\d{4}$/);
        expect(text).toContain(masked);
      }
    });
  });

  it('and no response carries a code or a secret', () => {
    const codes = [...new Set(codesSent())];
    for (const { what, body } of responses) {
      for (const code of codes) {
        expect({ what, leaks: standalone(code).test(body) }).toEqual({ what, leaks: false });
      }
      for (const secret of [
        SPARROW_TOKEN,
        JWT_SECRET,
        OTP_HMAC_SECRET,
        CHALLENGE_HMAC_SECRET,
        PASSWORD,
        WRONG_PASSWORD,
      ]) {
        expect({ what, leaks: body.includes(secret) }).toEqual({ what, leaks: false });
      }
    }
    expect(responses.length).toBeGreaterThan(25);
  });
});
