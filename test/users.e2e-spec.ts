import request from 'supertest';
import { DomainError } from '../src/common/errors/domain-error';
import { UsersService } from '../src/users/users.service';
import { PhoneInUseError } from '../src/users/users.errors';
import { registerUser } from './support/accounts';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

describe('Accounts: users (real PostgreSQL)', () => {
  let t: TestApp;
  /** Every response of this spec, checked against /docs-json by the last test. */
  const conformance = new OpenApiConformance();
  let users: UsersService;
  beforeAll(async () => {
    t = await createTestApp({ recorder: conformance });
    users = t.app.get(UsersService);
  });
  afterAll(() => t.close());

  let phoneCounter = 0;
  /** A distinct valid-looking NTC number per call. */
  const uniquePhone = () =>
    `+977984${String(process.pid % 1000).padStart(3, '0')}${String(++phoneCounter).padStart(4, '0')}`;
  const me = (accessToken: string) =>
    request(t.url).get('/v1/users/me').set('authorization', `Bearer ${accessToken}`);
  const unlink = (accessToken: string) =>
    request(t.url).delete('/v1/users/me/phone').set('authorization', `Bearer ${accessToken}`);
  /** What the phone-verification module does on a correct code: attach inside its transaction. */
  const attach = (userId: string, phone: string, at = t.clock.now()) =>
    t.db.transaction((transaction) => users.attachVerifiedPhone(transaction, userId, phone, at));

  describe('GET /v1/users/me', () => {
    it('returns exactly the API User of the caller', async () => {
      const account = await registerUser(t.url, {
        email: 'sita@example.com',
        firstName: 'Sita',
        lastName: 'Rai',
      });
      const res = await me(account.accessToken).expect(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body).toEqual({
        id: account.id,
        username: account.username,
        email: 'sita@example.com',
        firstName: 'Sita',
        lastName: 'Rai',
        phoneNumber: null,
        phoneVerified: false,
        phoneVerifiedAt: null,
        createdAt: expect.any(String),
      });
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    });

    it('never sends the password or its hash', async () => {
      const account = await registerUser(t.url);
      const res = await me(account.accessToken).expect(200);
      expect(res.text).not.toContain('$argon2');
      expect(res.text).not.toContain(account.password);
      expect(res.text).not.toMatch(/password|hash/i);
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const res = await request(t.url).get('/v1/users/me').expect(401);
      expect(res.headers['content-type']).toBe(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });

    it('shows a verified number in E.164 with the time it was verified', async () => {
      const account = await registerUser(t.url);
      const phone = uniquePhone();
      const at = new Date('2026-11-22T04:10:00.000Z');
      await attach(account.id, phone, at);
      const res = await me(account.accessToken).expect(200);
      expect(res.body).toMatchObject({
        phoneNumber: phone,
        phoneVerified: true,
        phoneVerifiedAt: '2026-11-22T04:10:00.000Z',
      });
    });
  });

  describe('DELETE /v1/users/me/phone', () => {
    it('unlinks the number (204) and frees it for another account', async () => {
      const owner = await registerUser(t.url);
      const other = await registerUser(t.url);
      const phone = uniquePhone();
      await attach(owner.id, phone);
      await expect(attach(other.id, phone)).rejects.toBeInstanceOf(PhoneInUseError);

      const res = await unlink(owner.accessToken).expect(204);
      expect(res.text).toBe('');
      expect((await me(owner.accessToken).expect(200)).body).toMatchObject({
        phoneNumber: null,
        phoneVerified: false,
        phoneVerifiedAt: null,
      });
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBeNull();

      await attach(other.id, phone);
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBe(other.id);
    });

    it('answers 204 when no number is linked', async () => {
      const account = await registerUser(t.url);
      await unlink(account.accessToken).expect(204);
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const res = await request(t.url).delete('/v1/users/me/phone').expect(401);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });
  });

  describe('UsersService (the contract the phone-verification module uses)', () => {
    it('findById returns the user, or null for an unknown id', async () => {
      const account = await registerUser(t.url);
      expect((await users.findById(account.id))?.username).toBe(account.username);
      expect(await users.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
    });

    it('findVerifiedOwnerId finds the owner, also inside a transaction', async () => {
      const account = await registerUser(t.url);
      const phone = uniquePhone();
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBeNull();
      await attach(account.id, phone);
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBe(account.id);
      const inside = await t.db.transaction((transaction) =>
        users.findVerifiedOwnerId(transaction, phone),
      );
      expect(inside).toBe(account.id);
    });

    it('attachVerifiedPhone refuses a number another account holds with PhoneInUseError (409 PHONE_IN_USE), leaving both accounts as they were', async () => {
      const owner = await registerUser(t.url);
      const other = await registerUser(t.url);
      const phone = uniquePhone();
      await attach(owner.id, phone);

      const error = await attach(other.id, phone).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PhoneInUseError);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'PHONE_IN_USE', status: 409 });
      expect((await me(other.accessToken)).body).toMatchObject({
        phoneNumber: null,
        phoneVerified: false,
      });
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBe(owner.id);
    });

    it('lets the owner verify their own number again', async () => {
      const owner = await registerUser(t.url);
      const phone = uniquePhone();
      await attach(owner.id, phone, new Date('2026-11-22T01:00:00.000Z'));
      await attach(owner.id, phone, new Date('2026-11-22T02:00:00.000Z'));
      expect((await me(owner.accessToken)).body.phoneVerifiedAt).toBe('2026-11-22T02:00:00.000Z');
    });

    it('replaces the number when the user verifies another one, freeing the old one', async () => {
      const account = await registerUser(t.url);
      const first = uniquePhone();
      const second = uniquePhone();
      await attach(account.id, first);
      await attach(account.id, second);
      expect(await users.findVerifiedOwnerId(t.db, first)).toBeNull();
      expect(await users.findVerifiedOwnerId(t.db, second)).toBe(account.id);
    });

    it('gives a number raced for by two accounts to exactly one of them', async () => {
      const racers = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const phone = uniquePhone();
      const outcomes = await Promise.allSettled(racers.map((racer) => attach(racer.id, phone)));
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const loser = outcomes.find((outcome) => outcome.status === 'rejected');
      expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(PhoneInUseError);
      const winner = racers[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBe(winner.id);
    });

    it('attachVerifiedPhone runs in the caller transaction: a rollback undoes it', async () => {
      const account = await registerUser(t.url);
      const phone = uniquePhone();
      await expect(
        t.db.transaction(async (transaction) => {
          await users.attachVerifiedPhone(transaction, account.id, phone, t.clock.now());
          throw new Error('the caller fails later in its transaction');
        }),
      ).rejects.toThrow('the caller fails later');
      expect(await users.findVerifiedOwnerId(t.db, phone)).toBeNull();
    });
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 20);
  });
});
