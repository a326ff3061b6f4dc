import request from 'supertest';
import { registerUser } from './support/accounts';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

const DEVANAGARI = '०१२३४५६७८९';
const toDevanagari = (digits: string) =>
  digits
    .split('')
    .map((d) => DEVANAGARI[Number(d)])
    .join('');

describe('POST /v1/phone-verifications/check and the verification resource', () => {
  let t: TestApp;
  /** Every response of this spec, checked against /docs-json by the last test. */
  const conformance = new OpenApiConformance();
  beforeAll(async () => {
    t = await createTestApp({
      env: { OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000' },
      recorder: conformance,
    });
  });
  afterAll(() => t.close());

  async function started(phone = uniquePhone()) {
    const account = await registerUser(t.url);
    const res = await startVerification(t.url, account.accessToken, phone).expect(201);
    const code = t.sms.lastCodeFor(e164(phone));
    return { account, phone, code, id: res.body.id as string, token: account.accessToken };
  }

  const me = (token: string) =>
    request(t.url).get('/v1/users/me').set('authorization', `Bearer ${token}`);
  const read = (token: string, id: string) =>
    request(t.url).get(`/v1/phone-verifications/${id}`).set('authorization', `Bearer ${token}`);

  it('approves the right code and sets the user’s phone in the same step', async () => {
    const { phone, code, id, token } = await started();
    const res = await checkCode(t.url, token, phone, code).expect(200);
    expect(res.body).toMatchObject({
      id,
      status: 'approved',
      phone: e164(phone),
      approvedAt: t.clock.now().toISOString(),
    });
    expect(res.body.resendAvailableAt).toBeNull();
    const user = await me(token).expect(200);
    expect(user.body).toMatchObject({
      phoneNumber: e164(phone),
      phoneVerified: true,
      phoneVerifiedAt: t.clock.now().toISOString(),
    });
  });

  it('accepts the code in Devanagari digits with surrounding spaces, and the phone in another form', async () => {
    const { phone, code, token } = await started();
    await checkCode(t.url, token, `+977 ${phone}`, `  ${toDevanagari(code)} `).expect(200);
  });

  it('counts wrong codes down, fails the verification at zero, then answers 429 until a new one is started', async () => {
    const { phone, code, id, token } = await started();
    const wrong = wrongCode(code);
    for (const left of [4, 3, 2, 1, 0]) {
      const res = await checkCode(t.url, token, phone, wrong).expect(400);
      expect(res.body).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: left });
    }
    const blocked = await checkCode(t.url, token, phone, code).expect(429);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.headers['retry-after']).toBe(String(blocked.body.retryAfterSeconds));
    expect((await read(token, id).expect(200)).body).toMatchObject({
      status: 'failed',
      attemptsLeft: 0,
    });

    expect(blocked.body.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(blocked.body.detail).toMatch(/Ask for a new code .*checking again will not help/);

    // obeying Retry-After and checking again does not help: only a new verification does
    t.clock.advance(blocked.body.retryAfterSeconds as number);
    const again = await checkCode(t.url, token, phone, code).expect(429);
    expect(again.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(again.body.retryAfterSeconds).toBe(1);
    const fresh = await startVerification(t.url, token, phone).expect(201);
    expect(fresh.body.id).not.toBe(id);
    expect(fresh.body.attemptsLeft).toBe(5);
    await checkCode(t.url, token, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
  });

  it('lets a code work once', async () => {
    const { phone, code, token } = await started();
    await checkCode(t.url, token, phone, code).expect(200);
    const again = await checkCode(t.url, token, phone, code).expect(404);
    expect(again.body.code).toBe('VERIFICATION_NOT_FOUND');
  });

  it('answers 410 past expiresAt, reads the verification as expired, and spends no attempt', async () => {
    const { phone, code, id, token } = await started();
    t.clock.advance(600);
    const res = await checkCode(t.url, token, phone, code).expect(410);
    expect(res.body.code).toBe('VERIFICATION_EXPIRED');
    expect((await read(token, id).expect(200)).body).toMatchObject({
      status: 'expired',
      attemptsLeft: 5,
      resendAvailableAt: null,
    });
  });

  it('refuses a code of the wrong shape without spending an attempt', async () => {
    const { phone, id, token } = await started();
    for (const code of ['12345', '1234567', '12a456', '']) {
      const res = await checkCode(t.url, token, phone, code).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'code' }] });
    }
    await request(t.url)
      .post('/v1/phone-verifications/check')
      .set('authorization', `Bearer ${token}`)
      .send({ phone, code: 123456 })
      .expect(400);
    expect((await read(token, id).expect(200)).body.attemptsLeft).toBe(5);
  });

  it('answers 404 when no verification was started for the number', async () => {
    const { token } = await started();
    const res = await checkCode(t.url, token, uniquePhone(), '123456').expect(404);
    expect(res.body.code).toBe('VERIFICATION_NOT_FOUND');
  });

  describe('ownership', () => {
    it('a code checked by another user verifies nothing and costs the owner nothing', async () => {
      const owner = await started();
      const intruder = await registerUser(t.url);
      for (let i = 0; i < 7; i += 1) {
        const res = await checkCode(t.url, intruder.accessToken, owner.phone, owner.code).expect(
          404,
        );
        expect(res.body.code).toBe('VERIFICATION_NOT_FOUND');
      }
      expect((await me(intruder.accessToken).expect(200)).body).toMatchObject({
        phoneNumber: null,
        phoneVerified: false,
      });
      expect((await read(owner.token, owner.id).expect(200)).body).toMatchObject({
        status: 'pending',
        attemptsLeft: 5,
      });
      await checkCode(t.url, owner.token, owner.phone, owner.code).expect(200);
    });

    it('GET and DELETE answer 404 for another user’s id and for malformed ids', async () => {
      const owner = await started();
      const other = await registerUser(t.url);
      await read(other.accessToken, owner.id).expect(404);
      await request(t.url)
        .delete(`/v1/phone-verifications/${owner.id}`)
        .set('authorization', `Bearer ${other.accessToken}`)
        .expect(404);
      for (const bad of ['not-a-uuid', '123', `${owner.id}x`, '%00', "1' OR '1'='1"]) {
        const res = await read(owner.token, encodeURIComponent(bad)).expect(404);
        expect(res.body.code).toBe('VERIFICATION_NOT_FOUND');
      }
      expect((await read(owner.token, owner.id).expect(200)).body.status).toBe('pending');
    });
  });

  describe('GET and DELETE /v1/phone-verifications/:id', () => {
    it('reads your verification without any code', async () => {
      const { id, token, code } = await started();
      const res = await read(token, id).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'approvedAt',
          'attemptsLeft',
          'channel',
          'createdAt',
          'expiresAt',
          'id',
          'phone',
          'resendAvailableAt',
          'status',
        ].sort(),
      );
      expect(JSON.stringify(res.body)).not.toContain(code);
    });

    it('cancels a pending verification, after which its code does nothing', async () => {
      const { phone, code, id, token } = await started();
      await request(t.url)
        .delete(`/v1/phone-verifications/${id}`)
        .set('authorization', `Bearer ${token}`)
        .expect(204);
      expect((await read(token, id).expect(200)).body).toMatchObject({
        status: 'canceled',
        resendAvailableAt: null,
      });
      await checkCode(t.url, token, phone, code).expect(404);
      // canceling again changes nothing
      await request(t.url)
        .delete(`/v1/phone-verifications/${id}`)
        .set('authorization', `Bearer ${token}`)
        .expect(204);
    });
  });

  describe('the sign-up wall: GET /v1/members/welcome', () => {
    it('is 401 without a token, 403 PHONE_NOT_VERIFIED before verification, 200 after, and 403 again once unlinked', async () => {
      await request(t.url).get('/v1/members/welcome').expect(401);
      const { phone, code, token } = await started();
      const before = await request(t.url)
        .get('/v1/members/welcome')
        .set('authorization', `Bearer ${token}`)
        .expect(403);
      expect(before.body.code).toBe('PHONE_NOT_VERIFIED');
      await checkCode(t.url, token, phone, code).expect(200);
      const after = await request(t.url)
        .get('/v1/members/welcome')
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      expect(after.body.message).toEqual(expect.any(String));
      await request(t.url)
        .delete('/v1/users/me/phone')
        .set('authorization', `Bearer ${token}`)
        .expect(204);
      await request(t.url)
        .get('/v1/members/welcome')
        .set('authorization', `Bearer ${token}`)
        .expect(403);
    });
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 20);
  });
});
