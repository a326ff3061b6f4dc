import { createHmac } from 'node:crypto';

/**
 * Access tokens minted by the harness, as the app's AccessTokens signs them (@nestjs/jwt,
 * HS256, `{ sub: userId, iat, exp: iat + JWT_ACCESS_TTL_SECONDS }`), with the JWT_SECRET the
 * harness itself gave the app. Logging thousands of users in through argon2 would take minutes.
 */
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function mintAccessToken(
  secret: string,
  userId: string,
  ttlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const payload = base64url(
    JSON.stringify({ sub: userId, iat: nowSeconds, exp: nowSeconds + ttlSeconds }),
  );
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
