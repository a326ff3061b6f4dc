import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { hashOtp } from '../../src/phone-verification/otp/otp-code';
import { RegisteredUser, registerUser } from '../support/accounts';
import { FakeClock } from '../support/fake-clock';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from '../support/verification-flow';

const secret = (label: string) => `${label}-${randomBytes(24).toString('hex')}`;
const OLD = { JWT_SECRET: secret('jwt-old'), OTP_HMAC_SECRET: secret('otp-old') };
const NEW = { JWT_SECRET: secret('jwt-new'), OTP_HMAC_SECRET: secret('otp-new') };
const MAX_ATTEMPTS = 5;

const jwt = new JwtService();
const sign = (claims: object, key: string) => jwt.sign(claims, { secret: key, algorithm: 'HS256' });
const verify = (token: string, key: string) =>
  jwt.verify(token, { secret: key, algorithms: ['HS256'] });

const me = (app: TestApp, token: string) =>
  request(app.url).get('/v1/users/me').set('authorization', `Bearer ${token}`);

/**
 * Issue 21, secret rotation without downtime, as a rolling restart goes through it on one
 * database: an instance with the old secrets issues a token and sends a code; then one with the
 * new secrets and the old ones as JWT_SECRET_PREVIOUS / OTP_HMAC_SECRET_PREVIOUS; then one with the
 * new secrets alone. One after another: Passport keeps one 'jwt' strategy per process, so
 * in-process apps with different secrets cannot run side by side (separate processes can).
 */
describe('Rotating JWT_SECRET and OTP_HMAC_SECRET', () => {
  const clock = new FakeClock();
  const common = { OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS) };
  let database: TestDatabase;
  let during: TestApp | undefined;
  // made before the rotation
  let oldUser: RegisteredUser;
  const oldPhone = uniquePhone();
  let oldCode: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const before = await createTestApp({ database, clock, env: { ...common, ...OLD } });
    try {
      oldUser = await registerUser(before.url);
      await startVerification(before.url, oldUser.accessToken, oldPhone).expect(201);
      oldCode = before.sms.lastCodeFor(e164(oldPhone));
    } finally {
      await before.close();
    }
    during = await createTestApp({
      database,
      clock,
      env: {
        ...common,
        ...NEW,
        JWT_SECRET_PREVIOUS: OLD.JWT_SECRET,
        OTP_HMAC_SECRET_PREVIOUS: OLD.OTP_HMAC_SECRET,
      },
    });
  });
  afterAll(async () => {
    await during?.close();
    await database?.drop();
  });

  it('an access token signed before the rotation still works; new tokens are signed with the new secret only', async () => {
    await me(during!, oldUser.accessToken).expect(200);
    const login = await request(during!.url)
      .post('/v1/auth/login')
      .send({ username: oldUser.username, password: oldUser.password })
      .expect(200);
    const fresh = login.body.accessToken as string;
    expect(() => verify(fresh, NEW.JWT_SECRET)).not.toThrow();
    expect(() => verify(fresh, OLD.JWT_SECRET)).toThrow(/invalid signature/);
    await me(during!, fresh).expect(200);
  });

  it('a token signed with a secret that is neither the current nor the previous one is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: oldUser.id, iat: now, exp: now + 600 };
    const forged = sign(claims, secret('jwt-other'));
    const refused = await me(during!, forged).expect(401);
    expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    // the same claims under the previous secret pass: only the key differs
    await me(during!, sign(claims, OLD.JWT_SECRET)).expect(200);
  });

  it('a code sent before the rotation still verifies, and a wrong code costs one attempt, not two', async () => {
    const wrong = await checkCode(during!.url, oldUser.accessToken, oldPhone, wrongCode(oldCode));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: MAX_ATTEMPTS - 1 });
    const right = await checkCode(during!.url, oldUser.accessToken, oldPhone, oldCode).expect(200);
    expect(right.body).toMatchObject({ status: 'approved', phone: e164(oldPhone) });
    process.stdout.write(
      `[secret-rotation] token and code from before the rotation, checked during it: /v1/users/me 200; ` +
        `wrong code → ${wrong.status} ${wrong.body.code} attemptsLeft ${wrong.body.attemptsLeft} of ${MAX_ATTEMPTS}; ` +
        `right code → ${right.status} ${right.body.status}\n`,
    );
  });

  it('codes sent during the rotation use the new secret only; with the previous secrets dropped, old tokens are refused', async () => {
    const user = await registerUser(during!.url);
    const phone = uniquePhone();
    const sent = await startVerification(during!.url, user.accessToken, phone).expect(201);
    const id = sent.body.id as string;
    const code = during!.sms.lastCodeFor(e164(phone));
    const { rows } = await during!.db.query<{ codeHash: Buffer }>(
      'SELECT code_hash AS "codeHash" FROM phone_verifications WHERE id = $1',
      [id],
    );
    expect(rows[0].codeHash.equals(hashOtp(NEW.OTP_HMAC_SECRET, id, code))).toBe(true);
    expect(rows[0].codeHash.equals(hashOtp(OLD.OTP_HMAC_SECRET, id, code))).toBe(false);
    await during!.close();
    during = undefined;

    const after = await createTestApp({ database, clock, env: { ...common, ...NEW } });
    try {
      await me(after, user.accessToken).expect(200);
      await checkCode(after.url, user.accessToken, phone, code).expect(200);
      await me(after, oldUser.accessToken).expect(401);
    } finally {
      await after.close();
    }
  });
});
