import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import request from 'supertest';

/** A solved challenge from the app, as the send's `challenge`: base64 of `{ challenge, solution }`. */
export async function solvedChallenge(baseUrl: string, ip = '192.0.2.1'): Promise<string> {
  const { body: challenge } = await request(baseUrl)
    .get('/v1/challenges')
    .set('x-forwarded-for', ip)
    .expect(200);
  const solution = await solveChallenge({ challenge: challenge as Challenge, deriveKey });
  if (!solution) throw new Error('could not solve the challenge');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
