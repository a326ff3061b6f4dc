import { createHmac, randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuthCleanupJob } from '../src/auth/auth-cleanup.job';
import { registerUser, uniqueUsername } from './support/accounts';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** Builds a JWT by hand, so tests control every header and claim (and can break them). */
function handMadeJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signing?: { secret: string; hmac: 'sha256' | 'sha512' },
): string {
  const encode = (part: Record<string, unknown>) =>
    Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  const signature = signing
    ? createHmac(signing.hmac, signing.secret).update(unsigned).digest('base64url')
    : '';
  return `${unsigned}.${signature}`;
}

function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Accounts: auth (real PostgreSQL)', () => {
  let t: TestApp;
  /** Every response of this spec, checked against /docs-json by the last test. */
  const conformance = new OpenApiConformance();
  /** Every password and token a test used; none may ever show up in the logs. */
  const secrets = new Set<string>();

  const register = async (overrides: Parameters<typeof registerUser>[1] = {}) => {
    const account = await registerUser(t.url, overrides);
    secrets.add(account.password).add(account.accessToken).add(account.refreshToken);
    return account;
  };
  const login = (username: string, password: string) =>
    request(t.url).post('/v1/auth/login').send({ username, password });
  const refresh = (refreshToken: string) =>
    request(t.url).post('/v1/auth/refresh').send({ refreshToken });
  const logout = (accessToken: string, refreshToken: string) =>
    request(t.url)
      .post('/v1/auth/logout')
      .set('authorization', `Bearer ${accessToken}`)
      .send({ refreshToken });
  const me = (authorization?: string) => {
    const req = request(t.url).get('/v1/users/me');
    return authorization === undefined ? req : req.set('authorization', authorization);
  };
  const countRows = async (sql: string, params: unknown[]) =>
    (await t.dataSource.query<Array<{ n: number }>>(sql, params))[0].n;
  const keep = <T extends { body: { accessToken?: string; refreshToken?: string } }>(res: T) => {
    if (res.body.accessToken) secrets.add(res.body.accessToken);
    if (res.body.refreshToken) secrets.add(res.body.refreshToken);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp({ recorder: conformance });
  });
  afterAll(() => t.close());

  describe('POST /v1/auth/register', () => {
    it('creates the account and returns it with a first token pair', async () => {
      const username = uniqueUsername('Ram');
      const password = 'correct horse battery staple';
      secrets.add(password);
      const res = keep(
        await request(t.url)
          .post('/v1/auth/register')
          .send({
            username,
            password,
            email: 'ram@example.com',
            firstName: 'Ram',
            lastName: 'Thapa',
          })
          .expect(201),
      );

      expect(res.headers['content-type']).toContain('application/json');
      expect(Object.keys(res.body).sort()).toEqual(
        ['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user'].sort(),
      );
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(res.body.user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username, // as typed, not lower-cased
        email: 'ram@example.com',
        firstName: 'Ram',
        lastName: 'Thapa',
        phoneNumber: null,
        phoneVerified: false,
        phoneVerifiedAt: null,
        createdAt: expect.any(String),
      });
      expect(new Date(res.body.user.createdAt).toISOString()).toBe(res.body.user.createdAt);
      expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);

      const header = decodeJwtPart(res.body.accessToken, 0);
      const claims = decodeJwtPart(res.body.accessToken, 1);
      expect(header.alg).toBe('HS256');
      expect(claims.sub).toBe(res.body.user.id);
      expect((claims.exp as number) - (claims.iat as number)).toBe(900);

      const profile = await me(`Bearer ${res.body.accessToken}`).expect(200);
      expect(profile.body.id).toBe(res.body.user.id);
    });

    it('stores optional fields as null when they are left out', async () => {
      const account = await register();
      const res = await me(`Bearer ${account.accessToken}`).expect(200);
      expect(res.body).toMatchObject({ email: null, firstName: null, lastName: null });
    });

    it('accepts the boundaries: 3 and 30 characters of A-Z a-z 0-9 _ . -, passwords of 8 and 128', async () => {
      const thirty = `A.b-${randomUUID().replace(/-/g, '').slice(0, 23)}_9z`;
      expect(thirty).toHaveLength(30);
      await register({ username: thirty, password: 'p'.repeat(128) });
      const three = `a${randomUUID().slice(0, 2)}`.replace(/-/g, 'x');
      expect(three).toHaveLength(3);
      await register({ username: three, password: '12345678' });
    });

    it('treats usernames that differ only in case as one: 409 USERNAME_TAKEN', async () => {
      const ram = uniqueUsername('Ram');
      await register({ username: ram });
      const res = await request(t.url)
        .post('/v1/auth/register')
        .send({ username: ram.toLowerCase(), password: 'another password' })
        .expect(409);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        code: 'USERNAME_TAKEN',
        detail: expect.any(String),
      });
    });

    it('lets exactly one of two parallel registrations of one name (in different cases) win', async () => {
      const name = uniqueUsername('Sita');
      const attempts = await Promise.all(
        [name.toUpperCase(), name.toLowerCase()].map((username) =>
          request(t.url).post('/v1/auth/register').send({ username, password: 'password-1' }),
        ),
      );
      expect(attempts.map((res) => res.status).sort()).toEqual([201, 409]);
      expect(attempts.find((res) => res.status === 409)?.body.code).toBe('USERNAME_TAKEN');
      attempts.forEach(keep);
      expect(
        await countRows('SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1)', [
          name,
        ]),
      ).toBe(1);
    });

    const valid = { username: 'valid_name', password: 'long enough' };
    it.each([
      ['a short username', { ...valid, username: 'ab' }, 'username'],
      ['a long username', { ...valid, username: 'a'.repeat(31) }, 'username'],
      ['a username with a space', { ...valid, username: 'ram shah' }, 'username'],
      ['a username with a bad character', { ...valid, username: 'ram!' }, 'username'],
      ['a non-ASCII username', { ...valid, username: 'राम123' }, 'username'],
      ['a short password', { ...valid, password: '1234567' }, 'password'],
      ['a long password', { ...valid, password: 'p'.repeat(129) }, 'password'],
      ['a bad email', { ...valid, email: 'not-an-email' }, 'email'],
      ['a long first name', { ...valid, firstName: 'x'.repeat(101) }, 'firstName'],
      ['an empty last name', { ...valid, lastName: '' }, 'lastName'],
      ['a NUL byte in a name', { ...valid, firstName: 'Ram\u0000' }, 'firstName'],
      ['a NUL byte in the email', { ...valid, email: 'ram\u0000@example.com' }, 'email'],
      ['an unknown field', { ...valid, isAdmin: true }, 'isAdmin'],
      ['a number as username', { ...valid, username: 12345 }, 'username'],
      ['a boolean as password', { ...valid, password: true }, 'password'],
      ['an object as email', { ...valid, email: { address: 'a@b.c' } }, 'email'],
      ['a missing username', { password: valid.password }, 'username'],
      ['a missing password', { username: valid.username }, 'password'],
    ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_case, body, field) => {
      const res = await request(t.url).post('/v1/auth/register').send(body).expect(400);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors).toEqual(
        expect.arrayContaining([{ field, message: expect.any(String) }]),
      );
    });

    it('refuses a missing body and a body that is not an object', async () => {
      const none = await request(t.url).post('/v1/auth/register').expect(400);
      expect(none.headers['content-type']).toBe(PROBLEM_JSON);
      expect(none.body.code).toBe('VALIDATION_FAILED');
      expect(none.body.errors.length).toBeGreaterThan(0);

      const array = await request(t.url)
        .post('/v1/auth/register')
        .set('content-type', 'application/json')
        .send('["valid_name", "long enough"]')
        .expect(400);
      expect(array.body.code).toBe('VALIDATION_FAILED');
    });

    it('creates nothing when the request is refused', async () => {
      const username = uniqueUsername('nobody');
      await request(t.url)
        .post('/v1/auth/register')
        .send({ username, password: 'short' })
        .expect(400);
      await login(username, 'short').expect(401);
    });
  });

  describe('POST /v1/auth/login', () => {
    it('returns a token pair that works', async () => {
      const account = await register();
      const res = keep(await login(account.username, account.password).expect(200));
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      await me(`Bearer ${res.body.accessToken}`).expect(200);
      keep(await refresh(res.body.refreshToken).expect(200));
    });

    it('accepts the username in any letter case', async () => {
      const account = await register({ username: uniqueUsername('Gita') });
      keep(await login(account.username.toUpperCase(), account.password).expect(200));
      keep(await login(account.username.toLowerCase(), account.password).expect(200));
    });

    it('answers an unknown user and a wrong password with the identical 401', async () => {
      const account = await register();
      const wrongPassword = await login(account.username, 'not the password').expect(401);
      const unknownUser = await login(uniqueUsername('ghost'), 'not the password').expect(401);
      expect(wrongPassword.headers['content-type']).toBe(PROBLEM_JSON);
      expect(unknownUser.headers['content-type']).toBe(PROBLEM_JSON);
      expect(wrongPassword.body).toEqual({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        code: 'INVALID_CREDENTIALS',
        detail: expect.any(String),
      });
      expect(unknownUser.body).toEqual(wrongPassword.body);
    });

    it('takes about as long for an unknown user as for a wrong password', async () => {
      const account = await register();
      const time = async (username: string) => {
        const started = process.hrtime.bigint();
        await login(username, 'not the password').expect(401);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 5; i++) {
        wrong.push(await time(account.username));
        unknown.push(await time(uniqueUsername('ghost')));
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[2];
      // Without the dummy hash an unknown user answers several times faster (no argon2 at all).
      expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
    });

    it('answers 401, never 500, for a username that could not exist', async () => {
      for (const username of ['ram\u0000', 'x'.repeat(128), 'राम', ' ']) {
        const res = await login(username, 'whatever password').expect(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
    });

    it('refuses a body that is not JSON with 415 problem+json', async () => {
      const res = await request(t.url)
        .post('/v1/auth/login')
        .set('content-type', 'text/xml')
        .send('<login><username>ram</username></login>')
        .expect(415);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it.each([
      ['a missing password', { username: 'ram' }, 'password'],
      ['a number as username', { username: 7, password: 'x' }, 'username'],
      ['an unknown field', { username: 'ram', password: 'x', remember: true }, 'remember'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_case, body, field) => {
      const res = await request(t.url).post('/v1/auth/login').send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });

  describe('access tokens (global guard)', () => {
    let account: Awaited<ReturnType<typeof register>>;
    let secret: string;
    beforeAll(async () => {
      account = await register();
      secret = t.config.auth.jwtSecret;
    });
    const claims = () => ({ sub: account.id, iat: nowSeconds(), exp: nowSeconds() + 600 });

    const expectUnauthenticated = async (authorization?: string) => {
      const res = await me(authorization).expect(401);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        code: 'UNAUTHENTICATED',
        detail: expect.any(String),
      });
    };

    it('accepts a hand-made HS256 token signed with the secret (control for the cases below)', async () => {
      const token = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, claims(), { secret, hmac: 'sha256' });
      await me(`Bearer ${token}`).expect(200);
    });

    it('refuses a request without a token', async () => {
      await expectUnauthenticated();
      await request(t.url).delete('/v1/users/me/phone').expect(401);
    });

    it.each([
      ['no scheme', (token: string) => token],
      ['the wrong scheme', (token: string) => `Basic ${token}`],
      ['an empty bearer', () => 'Bearer '],
      ['garbage', () => 'Bearer not-a-jwt'],
      ['three empty parts', () => 'Bearer ..'],
      ['a doubled bearer', (token: string) => `Bearer Bearer ${token}`],
    ])('refuses a malformed Authorization header: %s', async (_case, header) => {
      await expectUnauthenticated(header(account.accessToken));
    });

    it('refuses a token signed with another secret', async () => {
      const token = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, claims(), {
        secret: `${secret}-not`,
        hmac: 'sha256',
      });
      await expectUnauthenticated(`Bearer ${token}`);
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const other = await register();
      const [header, , signature] = account.accessToken.split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims(), sub: other.id })).toString(
        'base64url',
      );
      await expectUnauthenticated(`Bearer ${header}.${payload}.${signature}`);
    });

    it('refuses alg "none"', async () => {
      const token = handMadeJwt({ alg: 'none', typ: 'JWT' }, claims());
      await expectUnauthenticated(`Bearer ${token}`);
    });

    it('refuses HS512 even when signed with the right secret', async () => {
      const token = handMadeJwt({ alg: 'HS512', typ: 'JWT' }, claims(), { secret, hmac: 'sha512' });
      await expectUnauthenticated(`Bearer ${token}`);
    });

    it('refuses an expired token', async () => {
      const token = handMadeJwt(
        { alg: 'HS256', typ: 'JWT' },
        { sub: account.id, iat: nowSeconds() - 1000, exp: nowSeconds() - 10 },
        { secret, hmac: 'sha256' },
      );
      await expectUnauthenticated(`Bearer ${token}`);
    });

    // Found in the review of issue 14: jsonwebtoken checks `exp` only when it is there, and never
    // `iat`; a token forged with a leaked secret could live for ever.
    it.each([
      ['without exp', () => ({ sub: account.id, iat: nowSeconds() })],
      ['without iat', () => ({ sub: account.id, exp: nowSeconds() + 600 })],
      [
        'with iat a minute in the future',
        () => ({ sub: account.id, iat: nowSeconds() + 60, exp: nowSeconds() + 600 }),
      ],
      [
        'older than JWT_ACCESS_TTL_SECONDS from its iat, whatever its exp says',
        () => ({
          sub: account.id,
          iat: nowSeconds() - t.config.auth.accessTtlSeconds - 1,
          exp: nowSeconds() + 3600,
        }),
      ],
      [
        'with iat or exp that is not a number',
        () => ({ sub: account.id, iat: String(nowSeconds()), exp: String(nowSeconds() + 600) }),
      ],
    ])('refuses a token signed with the secret %s', async (_case, payload) => {
      const token = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, payload(), {
        secret,
        hmac: 'sha256',
      });
      await expectUnauthenticated(`Bearer ${token}`);
    });

    it('accepts a token until JWT_ACCESS_TTL_SECONDS after its iat', async () => {
      const ttl = t.config.auth.accessTtlSeconds;
      const token = handMadeJwt(
        { alg: 'HS256', typ: 'JWT' },
        { sub: account.id, iat: nowSeconds() - ttl + 30, exp: nowSeconds() + 30 },
        { secret, hmac: 'sha256' },
      );
      await me(`Bearer ${token}`).expect(200);
    });

    it('refuses a signed token whose subject is not a user id', async () => {
      const token = handMadeJwt(
        { alg: 'HS256', typ: 'JWT' },
        { ...claims(), sub: 'admin' },
        { secret, hmac: 'sha256' },
      );
      await expectUnauthenticated(`Bearer ${token}`);
    });

    it('refuses a valid token of an account that does not exist', async () => {
      const token = handMadeJwt(
        { alg: 'HS256', typ: 'JWT' },
        { ...claims(), sub: randomUUID() },
        { secret, hmac: 'sha256' },
      );
      await expectUnauthenticated(`Bearer ${token}`);
    });

    it('leaves @Public() routes open', async () => {
      await request(t.url).get('/health/live').expect(200);
      await request(t.url).get('/health/ready').expect(200);
    });
  });

  describe('POST /v1/auth/refresh', () => {
    it('rotates: the new pair works, the old refresh token fails, and reusing it revokes the session', async () => {
      const account = await register();
      const first = keep(await refresh(account.refreshToken).expect(200));
      expect(first.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      expect(first.body.refreshToken).not.toBe(account.refreshToken);
      await me(`Bearer ${first.body.accessToken}`).expect(200);
      const second = keep(await refresh(first.body.refreshToken).expect(200));

      const reused = await refresh(account.refreshToken).expect(401);
      expect(reused.headers['content-type']).toBe(PROBLEM_JSON);
      expect(reused.body).toMatchObject({ status: 401, code: 'INVALID_REFRESH_TOKEN' });
      // the reuse revoked the whole family, including the newest token
      const revoked = await refresh(second.body.refreshToken).expect(401);
      expect(revoked.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('revokes only the session whose token was reused', async () => {
      const account = await register();
      const otherSession = keep(await login(account.username, account.password).expect(200));
      keep(await refresh(account.refreshToken).expect(200));
      await refresh(account.refreshToken).expect(401);
      keep(await refresh(otherSession.body.refreshToken).expect(200));
    });

    it('lets exactly one of two parallel refreshes with one token succeed', async () => {
      const account = await register();
      const results = await Promise.all([
        refresh(account.refreshToken),
        refresh(account.refreshToken),
      ]);
      results.forEach(keep);
      expect(results.map((res) => res.status).sort()).toEqual([200, 401]);
      // The loser presented a spent token: that is reuse, so the winner's new token is revoked too.
      const winner = results.find((res) => res.status === 200)!;
      await refresh(winner.body.refreshToken).expect(401);
    });

    it('refuses an unknown token', async () => {
      const res = await refresh('A'.repeat(43)).expect(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('refuses an expired token, and accepts it until then', async () => {
      const early = await register();
      const late = await register();
      t.clock.advance(t.config.auth.refreshTtlSeconds - 60);
      keep(await refresh(early.refreshToken).expect(200));
      t.clock.advance(61);
      const res = await refresh(late.refreshToken).expect(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('refuses a missing or mistyped token with 400', async () => {
      await request(t.url).post('/v1/auth/refresh').send({}).expect(400);
      const res = await request(t.url)
        .post('/v1/auth/refresh')
        .send({ refreshToken: 42 })
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'refreshToken', message: expect.any(String) }]);
    });
  });

  describe('POST /v1/auth/logout', () => {
    it('answers 204 and ends the session: its refresh token no longer works', async () => {
      const account = await register();
      const rotated = keep(await refresh(account.refreshToken).expect(200));
      const res = await logout(account.accessToken, rotated.body.refreshToken).expect(204);
      expect(res.text).toBe('');
      const after = await refresh(rotated.body.refreshToken).expect(401);
      expect(after.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('needs no access token: with none, or an expired one, the refresh token alone ends its session', async () => {
      const account = await register();
      const other = keep(await login(account.username, account.password).expect(200));
      await request(t.url)
        .post('/v1/auth/logout')
        .send({ refreshToken: account.refreshToken })
        .expect(204);
      await refresh(account.refreshToken).expect(401);
      // only that session: the account's other login goes on
      keep(await refresh(other.body.refreshToken).expect(200));

      const session = keep(await login(account.username, account.password).expect(200));
      t.clock.advance(t.config.auth.accessTtlSeconds + 1);
      await request(t.url)
        .post('/v1/auth/logout')
        .set('authorization', `Bearer ${session.body.accessToken}`)
        .send({ refreshToken: session.body.refreshToken })
        .expect(204);
      await refresh(session.body.refreshToken).expect(401);
    });

    it("keeps the user's other sessions", async () => {
      const account = await register();
      const other = keep(await login(account.username, account.password).expect(200));
      await logout(account.accessToken, account.refreshToken).expect(204);
      keep(await refresh(other.body.refreshToken).expect(200));
    });

    it('refuses an unknown, a revoked and an expired token', async () => {
      const account = await register();
      await logout(account.accessToken, 'B'.repeat(43)).expect(401);

      await logout(account.accessToken, account.refreshToken).expect(204);
      const again = await logout(account.accessToken, account.refreshToken).expect(401);
      expect(again.body.code).toBe('INVALID_REFRESH_TOKEN');

      const session = keep(await login(account.username, account.password).expect(200));
      t.clock.advance(t.config.auth.refreshTtlSeconds + 1);
      const expired = await logout(session.body.accessToken, session.body.refreshToken).expect(401);
      expect(expired.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('treats a spent token as reuse: 401, and its session is revoked', async () => {
      const account = await register();
      const rotated = keep(await refresh(account.refreshToken).expect(200));
      await logout(account.accessToken, account.refreshToken).expect(401);
      await refresh(rotated.body.refreshToken).expect(401);
    });

    it('refuses a body without a refresh token with 400', async () => {
      const res = await request(t.url).post('/v1/auth/logout').send({}).expect(400);
      expect(res.body.errors).toEqual([{ field: 'refreshToken', message: expect.any(String) }]);
    });
  });

  describe('daily clean-up', () => {
    const countTokens = (userId: string) =>
      countRows('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [userId]);

    it('deletes expired and revoked refresh tokens and keeps usable ones, and may run twice at once', async () => {
      const revoked = await register();
      await logout(revoked.accessToken, revoked.refreshToken).expect(204);
      const expiring = await register();
      t.clock.advance(t.config.auth.refreshTtlSeconds / 2);
      const live = await register();
      t.clock.advance(t.config.auth.refreshTtlSeconds / 2 + 1);
      expect(await countTokens(revoked.id)).toBe(1);
      expect(await countTokens(expiring.id)).toBe(1);

      const job = t.app.get(AuthCleanupJob);
      await Promise.all([job.run(), job.run()]);

      expect(await countTokens(revoked.id)).toBe(0);
      expect(await countTokens(expiring.id)).toBe(0);
      expect(await countTokens(live.id)).toBe(1);
      keep(await refresh(live.refreshToken).expect(200));
    });
  });

  it('documents every accounts route, its responses and its security in the OpenAPI document', async () => {
    const { body: doc } = await request(t.url).get('/docs-json').expect(200);
    const routes: Array<[string, string, string[], boolean]> = [
      ['/v1/auth/register', 'post', ['201', '400', '409', '413', '415', '429', '503'], false],
      ['/v1/auth/login', 'post', ['200', '400', '401', '413', '415', '429', '503'], false],
      ['/v1/auth/refresh', 'post', ['200', '400', '401', '413', '415', '429', '503'], false],
      ['/v1/auth/logout', 'post', ['204', '400', '401', '413', '415', '429', '503'], false],
      ['/v1/users/me', 'get', ['200', '401', '503'], true],
      ['/v1/users/me/phone', 'delete', ['204', '401', '503'], true],
    ];
    for (const [path, method, statuses, protectedRoute] of routes) {
      const operation = doc.paths[path]?.[method];
      expect({ path, summary: operation?.summary }).toEqual({ path, summary: expect.any(String) });
      expect({ path, statuses: Object.keys(operation.responses).sort() }).toEqual({
        path,
        statuses,
      });
      expect({ path, security: operation.security }).toEqual({
        path,
        security: protectedRoute ? [{ bearer: [] }] : undefined,
      });
    }
    const login429 = doc.paths['/v1/auth/login'].post.responses['429'];
    expect(login429.description).toContain('TOO_MANY_LOGIN_ATTEMPTS');
    // the per-IP request limit on register, login and refresh
    expect(login429.description).toContain('TOO_MANY_REQUESTS');
    expect(doc.paths['/v1/auth/refresh'].post.responses['429'].description).toContain(
      'TOO_MANY_REQUESTS',
    );
    expect(
      Object.keys(
        doc.paths['/v1/auth/logout'].post.responses['401'].content['application/problem+json']
          .examples,
      ),
    ).toEqual(['INVALID_REFRESH_TOKEN']);
    for (const field of ['username', 'password', 'email', 'firstName', 'lastName']) {
      expect(doc.components.schemas.RegisterDto.properties[field].example).toBeDefined();
    }
  });

  it('never logs a password, a token or a password hash', () => {
    expect(secrets.size).toBeGreaterThan(20);
    const logs = t.logs.text();
    expect(logs).toContain('request completed'); // the capture works
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('$argon2');
    expect(logs).not.toMatch(/refreshToken"\s*:\s*"[A-Za-z0-9_-]{20,}/);
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 20);
  });
});
