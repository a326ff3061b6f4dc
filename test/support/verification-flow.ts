import request from 'supertest';
import { e164 } from './test-values';

export { e164, uniquePhone, wrongCode } from './test-values';

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
