import { IAT_LEEWAY_SECONDS, userOfAccessToken } from './access-token-claims';

const NOW = 1_800_000_000;
const TTL = 900;
const SUB = '6f1c1d3e-8a8b-4b0a-9c59-2f4a8e0b7d11';
const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: SUB,
  iat: NOW - 10,
  exp: NOW - 10 + TTL,
  ...overrides,
});

describe('userOfAccessToken', () => {
  it('names the user of a token as AccessTokens signs it', () => {
    expect(userOfAccessToken(claims(), NOW, TTL)).toEqual({ id: SUB });
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['a sub that is not a user id', { sub: 'admin' }],
    ['no exp', { exp: undefined }],
    ['no iat', { iat: undefined }],
    ['exp as a string', { exp: String(NOW + 60) }],
    ['iat as a string', { iat: String(NOW) }],
    ['iat not finite', { iat: Number.NaN }],
    ['iat in the future', { iat: NOW + IAT_LEEWAY_SECONDS + 1 }],
    ['an age over the lifetime, whatever exp says', { iat: NOW - TTL - 1, exp: NOW + 3600 }],
    ['exp reached', { iat: NOW - 100, exp: NOW }],
  ])('refuses %s', (_case, overrides) => {
    expect(userOfAccessToken(claims(overrides), NOW, TTL)).toBeNull();
  });

  it('allows a few seconds of clock difference between instances on iat', () => {
    expect(userOfAccessToken(claims({ iat: NOW + IAT_LEEWAY_SECONDS }), NOW, TTL)).toEqual({
      id: SUB,
    });
  });

  it('accepts a token exactly one lifetime old, and not a second more', () => {
    expect(userOfAccessToken(claims({ iat: NOW - TTL, exp: NOW + 1 }), NOW, TTL)).toEqual({
      id: SUB,
    });
    expect(userOfAccessToken(claims({ iat: NOW - TTL - 1, exp: NOW + 1 }), NOW, TTL)).toBeNull();
  });
});
