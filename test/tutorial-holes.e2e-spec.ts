import request from 'supertest';
import { registerUser } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

/**
 * The service descends from a Django tutorial with well-known holes. Each test below is named
 * after one of them and fails if it comes back.
 */
describe('the holes of the tutorial this service descends from', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000', OTP_MAX_SENDS_PER_PHONE_PER_HOUR: '100' },
    });
  });
  afterAll(() => t.close());

  async function started() {
    const account = await registerUser(t.url);
    const phone = uniquePhone();
    const res = await startVerification(t.url, account.accessToken, phone).expect(201);
    return { account, phone, id: res.body.id as string, code: t.sms.lastCodeFor(e164(phone)) };
  }

  it('codes that never expired: a correct code is refused once OTP_TTL_SECONDS have passed', async () => {
    const { account, phone, code } = await started();
    t.clock.advance(600);
    await checkCode(t.url, account.accessToken, phone, code).expect(410);
  });

  it('codes stored in plain text: the database holds only a 32-byte HMAC bound to the verification', async () => {
    const { id, code } = await started();
    const [row] = await t.dataSource.query('SELECT * FROM phone_verifications WHERE id = $1', [id]);
    expect(Buffer.isBuffer(row.code_hash)).toBe(true);
    expect(row.code_hash).toHaveLength(32);
    const everyValue = JSON.stringify(row, (_key, value: unknown) =>
      Buffer.isBuffer(value) ? value.toString('hex') + value.toString('latin1') : value,
    );
    expect(everyValue).not.toContain(code);
    const smsRows = await t.dataSource.query(
      'SELECT * FROM sms_messages WHERE verification_id = $1',
      [id],
    );
    expect(smsRows).toHaveLength(1);
    expect(JSON.stringify(smsRows)).not.toContain(code);
  });

  it('random.randint codes: 200 codes from crypto.randomInt are well spread, leading zeros kept', async () => {
    const codes: string[] = [];
    const account = await registerUser(t.url);
    for (let i = 0; i < 200; i += 1) {
      const phone = uniquePhone();
      t.clock.advance(61);
      await startVerification(t.url, account.accessToken, phone).expect(201);
      codes.push(t.sms.lastCodeFor(e164(phone)));
      if ((i + 1) % 9 === 0) t.clock.advance(86_400); // stay under the per-user daily limit
    }
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    // 200 draws from a million: a repeat has probability ~2%, three equal codes ~1e-9
    const counts = new Map<string, number>();
    for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThan(3);
    // every digit appears in every position across 200 codes (miss probability < 1e-7 per digit/position)
    for (let position = 0; position < 6; position += 1) {
      expect(new Set(codes.map((code) => code[position])).size).toBe(10);
    }
  }, 120_000);

  it('unlimited guesses: after OTP_MAX_ATTEMPTS wrong codes even the right one is refused', async () => {
    const { account, phone, code } = await started();
    for (let i = 0; i < 5; i += 1)
      await checkCode(t.url, account.accessToken, phone, wrongCode(code)).expect(400);
    const res = await checkCode(t.url, account.accessToken, phone, code).expect(429);
    expect(res.body.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('a leaked code let any user attach the phone to another username: the check trusts only the token', async () => {
    const victim = await started();
    const attacker = await registerUser(t.url);
    // the tutorial's check took a username from the body; ours refuses unknown fields outright
    const smuggled = await request(t.url)
      .post('/v1/phone-verifications/check')
      .set('authorization', `Bearer ${attacker.accessToken}`)
      .send({ phone: victim.phone, code: victim.code, username: victim.account.username })
      .expect(400);
    expect(smuggled.body.code).toBe('VALIDATION_FAILED');
    // and with the leaked code alone the attacker verifies nothing, on either account
    await checkCode(t.url, attacker.accessToken, victim.phone, victim.code).expect(404);
    const attackerMe = await request(t.url)
      .get('/v1/users/me')
      .set('authorization', `Bearer ${attacker.accessToken}`);
    expect(attackerMe.body.phoneVerified).toBe(false);
    const victimMe = await request(t.url)
      .get('/v1/users/me')
      .set('authorization', `Bearer ${victim.account.accessToken}`);
    expect(victimMe.body.phoneVerified).toBe(false);
  });

  it('a raw 500 when two accounts claimed one number: the second gets 409 PHONE_IN_USE', async () => {
    const phone = uniquePhone();
    const first = await registerUser(t.url);
    const second = await registerUser(t.url);
    await startVerification(t.url, first.accessToken, phone).expect(201);
    const firstCode = t.sms.lastCodeFor(e164(phone));
    await startVerification(t.url, second.accessToken, phone).expect(201);
    const secondCode = t.sms.lastCodeFor(e164(phone));
    await checkCode(t.url, first.accessToken, phone, firstCode).expect(200);
    const res = await checkCode(t.url, second.accessToken, phone, secondCode).expect(409);
    expect(res.body).toMatchObject({ status: 409, code: 'PHONE_IN_USE' });
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
