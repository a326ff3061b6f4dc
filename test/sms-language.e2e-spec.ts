import request from 'supertest';
import { measureSms } from '../src/sms/message/sms-encoding';
import { registerUser } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { checkCode, e164, uniquePhone } from './support/verification-flow';

const DEVANAGARI = /[\u0900-\u097F]/;

/** API.md, "Language": the SMS in English or Nepali, chosen per request. */
describe('the SMS in English and Nepali', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { OTP_WEBOTP_DOMAIN: 'verify.example.com' } });
  });
  afterAll(() => t.close());

  const send = (accessToken: string, body: object, headers: Record<string, string> = {}) =>
    request(t.url)
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${accessToken}`)
      .set(headers)
      .send(body);

  it('sends a Nepali SMS in Devanagari with the code in ASCII digits, within its bounds, and the code works', async () => {
    const { accessToken } = await registerUser(t.url);
    const phone = uniquePhone();
    await send(accessToken, { phone, locale: 'ne' }).expect(201);
    const { text } = t.sms.lastTo(e164(phone))!;
    const [body, webOtp] = text.split('\n');
    const code = /^([0-9]{6}) /.exec(body)?.[1];
    expect(code).toBeDefined();
    expect(body).toMatch(DEVANAGARI);
    expect(body).toBe(`${code} तपाईंको Example प्रमाणीकरण कोड हो। १० मिनेटसम्म मान्य।`);
    expect(webOtp).toBe(`@verify.example.com #${code}`);
    expect(measureSms(body)).toMatchObject({ encoding: 'ucs2', segments: 1 });
    expect(measureSms(text).units).toBeLessThanOrEqual(134);
    const [row] = await t.dataSource.query(
      'SELECT encoding, segments FROM sms_messages WHERE to_phone = $1',
      [e164(phone)],
    );
    expect(row).toEqual({ encoding: 'ucs2', segments: 2 });
    await checkCode(t.url, accessToken, phone, code!).expect(200);
  });

  it('lets Accept-Language: ne alone choose Nepali', async () => {
    const { accessToken } = await registerUser(t.url);
    const phone = uniquePhone();
    await send(accessToken, { phone }, { 'accept-language': 'ne' }).expect(201);
    expect(t.sms.lastTo(e164(phone))!.text).toMatch(DEVANAGARI);
  });

  it('sends English without a locale or a Nepali preference, as one GSM-7 SMS', async () => {
    const { accessToken } = await registerUser(t.url);
    const phone = uniquePhone();
    await send(accessToken, { phone }, { 'accept-language': 'en-US,fr;q=0.5' }).expect(201);
    const { text } = t.sms.lastTo(e164(phone))!;
    expect(text).toMatch(/^\d{6} is your Example verification code\. It expires in 10 minutes\.\n/);
    expect(measureSms(text)).toMatchObject({ encoding: 'gsm7', segments: 1 });
  });

  it.each([['fr'], ['NE'], [''], [7], [['ne']]])(
    'refuses the locale %j with 400 VALIDATION_FAILED',
    async (locale) => {
      const { accessToken } = await registerUser(t.url);
      const res = await send(accessToken, { phone: uniquePhone(), locale }).expect(400);
      expect(res.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'locale', message: 'locale must be one of en, ne' }],
      });
    },
  );

  it('refuses to start with an SMS_TEMPLATE_NE that does not fit one SMS', async () => {
    await expect(
      createTestApp({
        env: {
          SMS_TEMPLATE_NE:
            '{code} तपाईंको {brand} प्रमाणीकरण कोड हो। कृपया यो कोड कसैलाई पनि नदिनुहोस्। {minutes} मिनेटसम्म मान्य।',
        },
      }),
    ).rejects.toThrow(/SMS_TEMPLATE_NE: .*one UCS-2 SMS holds 70 \(\d+ too many\)/);
  });
});
