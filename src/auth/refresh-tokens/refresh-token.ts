import { createHash, randomBytes } from 'node:crypto';

/** 256 bits of randomness: unguessable, and too long to brute-force through the API. */
export const REFRESH_TOKEN_BYTES = 32;

/** A new opaque refresh token, URL-safe. Only its hash is ever stored. */
export function generateRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

/**
 * SHA-256 in hex. A fast hash is enough (unlike for passwords): the token is random and long, so
 * a leaked table cannot be reversed by guessing.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function refreshTokenExpiresAt(issuedAt: Date, ttlSeconds: number): Date {
  return new Date(issuedAt.getTime() + ttlSeconds * 1000);
}
