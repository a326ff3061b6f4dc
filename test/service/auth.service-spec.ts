import { JwtService } from '@nestjs/jwt';
import type { Client } from 'pg';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  TooManyLoginAttemptsError,
} from '../../src/auth/auth.errors';
import { AuthService } from '../../src/auth/auth.service';
import { UsernameTakenError } from '../../src/users/users.errors';
import { createServiceTier, rejection, ServiceTier } from '../support/service-tier';
import { uniqueIp, uniqueUsername } from '../support/test-values';

const MAX_FAILURES = 3;
const FAILURE_WINDOW_SECONDS = 900;
const REFRESH_TTL_SECONDS = 3600;

const ENV = {
  LOGIN_MAX_FAILURES: String(MAX_FAILURES),
  LOGIN_FAILURE_WINDOW_SECONDS: String(FAILURE_WINDOW_SECONDS),
  JWT_REFRESH_TTL_SECONDS: String(REFRESH_TTL_SECONDS),
};

describe('AuthService on PostgreSQL (service tier)', () => {
  let tier: ServiceTier;
  let auth: AuthService;
  let jwt: JwtService;
  let sql: Client;

  beforeAll(async () => {
    tier = await createServiceTier({ env: ENV });
    auth = tier.get(AuthService);
    jwt = tier.get(JwtService);
    sql = await tier.connect();
  });
  afterAll(() => tier?.close());

  async function register(username = uniqueUsername('auth'), password = 'correct horse battery') {
    const registered = await auth.register({ username, password }, '198.51.100.20');
    return { ...registered, username, password };
  }

  async function subjectOf(accessToken: string): Promise<string> {
    const payload = await jwt.verifyAsync<{ sub: string }>(accessToken);
    return payload.sub;
  }

  describe('register', () => {
    it('creates the account with an argon2id hash and a working token pair', async () => {
      const account = await register();
      expect(account.user).toMatchObject({
        username: account.username,
        phoneNumber: null,
        phoneVerified: false,
      });
      expect(account).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
      expect(await subjectOf(account.accessToken)).toBe(account.user.id);

      const { rows } = await sql.query<{ passwordHash: string }>(
        `SELECT password_hash AS "passwordHash" FROM users WHERE id = $1`,
        [account.user.id],
      );
      expect(rows[0].passwordHash).toMatch(/^\$argon2id\$/);
      expect(rows[0].passwordHash).not.toContain(account.password);

      const refreshed = await auth.refresh(account.refreshToken);
      expect(await subjectOf(refreshed.accessToken)).toBe(account.user.id);
    });

    it('refuses a username taken in any letter case: USERNAME_TAKEN, one account', async () => {
      const username = uniqueUsername('Taken');
      await register(username);
      for (const variant of [username, username.toUpperCase(), username.toLowerCase()]) {
        expect(await rejection(register(variant))).toBeInstanceOf(UsernameTakenError);
      }
      const { rows } = await sql.query(`SELECT 1 FROM users WHERE lower(username) = lower($1)`, [
        username,
      ]);
      expect(rows).toHaveLength(1);
    });
  });

  describe('login', () => {
    it('the right password in any letter case of the username: a token pair for the account', async () => {
      const account = await register();
      const pair = await auth.login(
        { username: account.username.toUpperCase(), password: account.password },
        uniqueIp(),
      );
      expect(await subjectOf(pair.accessToken)).toBe(account.user.id);
      expect(pair.refreshToken).not.toBe(account.refreshToken);
      expect(await subjectOf((await auth.refresh(pair.refreshToken)).accessToken)).toBe(
        account.user.id,
      );
    });

    it('a wrong password and an unknown user fail alike', async () => {
      const account = await register();
      const wrongPassword = await rejection(
        auth.login({ username: account.username, password: 'not the password' }, uniqueIp()),
      );
      const unknownUser = await rejection(
        auth.login({ username: uniqueUsername('nobody'), password: account.password }, uniqueIp()),
      );
      expect(wrongPassword).toBeInstanceOf(InvalidCredentialsError);
      expect(unknownUser).toBeInstanceOf(InvalidCredentialsError);
      expect({ ...unknownUser, stack: undefined }).toEqual({ ...wrongPassword, stack: undefined });
    });

    it(`after ${MAX_FAILURES} failures, refuses even the right password from that IP until the window passes`, async () => {
      const account = await register();
      const ip = uniqueIp();
      const attempt = (password: string, from = ip, username = account.username) =>
        auth.login({ username, password }, from);

      for (let i = 0; i < MAX_FAILURES; i += 1) {
        expect(await rejection(attempt('wrong password'))).toBeInstanceOf(InvalidCredentialsError);
      }
      const throttled = await rejection(attempt(account.password));
      expect(throttled).toBeInstanceOf(TooManyLoginAttemptsError);
      expect(throttled.retryAfterSeconds).toBe(FAILURE_WINDOW_SECONDS);
      // one account in any letter case: one count
      expect(
        await rejection(attempt(account.password, ip, account.username.toUpperCase())),
      ).toBeInstanceOf(TooManyLoginAttemptsError);
      // counted per username and IP: the account itself is not locked out elsewhere
      await expect(attempt(account.password, uniqueIp())).resolves.toHaveProperty('accessToken');

      tier.clock.advance(FAILURE_WINDOW_SECONDS - 1);
      const later = await rejection(attempt(account.password));
      expect(later.retryAfterSeconds).toBe(1);
      tier.clock.advance(1);
      await expect(attempt(account.password)).resolves.toHaveProperty('accessToken');
    });

    it('a successful login wipes the failures counted before it', async () => {
      const account = await register();
      const ip = uniqueIp();
      const attempt = (password: string) =>
        auth.login({ username: account.username, password }, ip);
      for (let round = 0; round < 2; round += 1) {
        for (let i = 0; i < MAX_FAILURES - 1; i += 1) {
          expect(await rejection(attempt('wrong password'))).toBeInstanceOf(
            InvalidCredentialsError,
          );
        }
        await expect(attempt(account.password)).resolves.toHaveProperty('accessToken');
      }
    });
  });

  describe('refresh', () => {
    it('rotates: each token works once, and a spent one presented again revokes its session', async () => {
      const account = await register();
      const otherSession = await auth.login(
        { username: account.username, password: account.password },
        uniqueIp(),
      );

      const first = await auth.refresh(account.refreshToken);
      expect(first.refreshToken).not.toBe(account.refreshToken);
      const second = await auth.refresh(first.refreshToken);

      // the first token again: refused, and the session it belongs to with it
      expect(await rejection(auth.refresh(account.refreshToken))).toBeInstanceOf(
        InvalidRefreshTokenError,
      );
      expect(await rejection(auth.refresh(second.refreshToken))).toBeInstanceOf(
        InvalidRefreshTokenError,
      );
      // another session of the same account is left alone
      await expect(auth.refresh(otherSession.refreshToken)).resolves.toHaveProperty('refreshToken');
    });

    it('of two parallel refreshes with one token, exactly one succeeds', async () => {
      const account = await register();
      const results = await Promise.allSettled([
        auth.refresh(account.refreshToken),
        auth.refresh(account.refreshToken),
      ]);
      const succeeded = results.filter((result) => result.status === 'fulfilled');
      const failed = results.filter((result) => result.status === 'rejected');
      expect(succeeded).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0].reason).toBeInstanceOf(InvalidRefreshTokenError);
    });

    it('a token past its lifetime is refused', async () => {
      const account = await register();
      tier.clock.advance(REFRESH_TTL_SECONDS);
      expect(await rejection(auth.refresh(account.refreshToken))).toBeInstanceOf(
        InvalidRefreshTokenError,
      );
    });

    it('an unknown token is refused', async () => {
      expect(await rejection(auth.refresh('A'.repeat(43)))).toBeInstanceOf(
        InvalidRefreshTokenError,
      );
    });
  });

  describe('logout', () => {
    it('revokes the session of the token: it no longer refreshes, and a second logout is refused', async () => {
      const account = await register();
      const first = await auth.refresh(account.refreshToken);
      await auth.logout(first.refreshToken);
      expect(await rejection(auth.refresh(first.refreshToken))).toBeInstanceOf(
        InvalidRefreshTokenError,
      );
      expect(await rejection(auth.logout(first.refreshToken))).toBeInstanceOf(
        InvalidRefreshTokenError,
      );
    });

    it("ends only the token's own session: the account's other sessions keep working", async () => {
      const account = await register();
      const other = await auth.login(
        { username: account.username, password: account.password },
        '203.0.113.9',
      );
      await auth.logout(account.refreshToken);
      await expect(auth.refresh(other.refreshToken)).resolves.toHaveProperty('refreshToken');
    });
  });
});
