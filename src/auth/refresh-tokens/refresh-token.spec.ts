import { generateRefreshToken, hashRefreshToken, refreshTokenExpiresAt } from './refresh-token';

describe('refresh token helpers', () => {
  it('generates 32 random bytes as base64url (43 characters, no padding)', () => {
    const token = generateRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 2000 }, generateRefreshToken));
    expect(tokens.size).toBe(2000);
  });

  it('hashes with SHA-256 to 64 hex characters', () => {
    // FIPS 180-2 test vector
    expect(hashRefreshToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const token = generateRefreshToken();
    expect(hashRefreshToken(token)).toBe(hashRefreshToken(token));
    expect(hashRefreshToken(token)).not.toBe(hashRefreshToken(generateRefreshToken()));
  });

  it('expires the lifetime after issue', () => {
    const issuedAt = new Date('2026-11-22T10:00:00.000Z');
    expect(refreshTokenExpiresAt(issuedAt, 2_592_000).toISOString()).toBe(
      '2026-12-22T10:00:00.000Z',
    );
    expect(refreshTokenExpiresAt(issuedAt, 300).toISOString()).toBe('2026-11-22T10:05:00.000Z');
  });
});
