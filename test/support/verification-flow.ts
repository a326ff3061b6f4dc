import request from 'supertest';

/** Nepali mobile numbers that are unique within a test run: NTC (984…) by default. */
let next = 0;
export function uniquePhone(prefix = '984'): string {
  next += 1;
  const tail = String((process.pid * 1000 + next) % 10_000_000).padStart(7, '0');
  return `${prefix}${tail}`;
}

export function e164(national: string): string {
  return `+977${national}`;
}

export function startVerification(
  baseUrl: string,
  accessToken: string,
  phone: string,
  headers: Record<string, string> = {},
) {
  return request(baseUrl)
    .post('/v1/phone-verifications')
    .set('authorization', `Bearer ${accessToken}`)
    .set(headers)
    .send({ phone });
}

export function checkCode(baseUrl: string, accessToken: string, phone: string, code: string) {
  return request(baseUrl)
    .post('/v1/phone-verifications/check')
    .set('authorization', `Bearer ${accessToken}`)
    .send({ phone, code });
}

/** Verifies `phone` on the account through the API: a send, then a check of the code it texted. */
export async function verifyPhone(
  baseUrl: string,
  accessToken: string,
  phone: string,
  sms: { lastCodeFor(to: string): string },
): Promise<void> {
  await startVerification(baseUrl, accessToken, phone).expect(201);
  await checkCode(baseUrl, accessToken, phone, sms.lastCodeFor(e164(phone))).expect(200);
}

/** A code of the right length that is not `code`. */
export function wrongCode(code: string): string {
  return code
    .split('')
    .map((digit) => String((Number(digit) + 1) % 10))
    .join('');
}
