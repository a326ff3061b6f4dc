import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AccessTokenVerifier } from './access-token-verifier';

const SECRET = 'current-secret-of-at-least-thirty-two-chars';
const PREVIOUS = 'previous-secret-of-at-least-thirty-two-chars';
const TTL = 900;
const SUB = '6f1c1d3e-8a8b-4b0a-9c59-2f4a8e0b7d11';
const NOW_MS = 1_800_000_000_000;

function verifierWith(previousJwtSecret?: string, jwt = new JwtService()): AccessTokenVerifier {
  // only the part of the configuration the verifier reads
  const config = { auth: { jwtSecret: SECRET, previousJwtSecret, accessTtlSeconds: TTL } };
  return new AccessTokenVerifier(jwt, config as unknown as AppConfig);
}

function signed(secret: string, claims: object, header: object = { alg: 'HS256', typ: 'JWT' }) {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part(header)}.${part(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const claims = (extra: object = {}) => ({
  sub: SUB,
  iat: nowSeconds(),
  exp: nowSeconds() + TTL,
  ...extra,
});

describe('AccessTokenVerifier', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW_MS, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('names the user of a token signed with the current secret, again on its next request', () => {
    const verifier = verifierWith();
    const token = signed(SECRET, claims());
    expect(verifier.userOf(token)).toEqual({ id: SUB });
    expect(verifier.userOf(token)).toEqual({ id: SUB });
  });

  it('refuses a token it verified once after its exp, though the signature is not checked again', () => {
    const verifier = verifierWith();
    const token = signed(SECRET, claims());
    expect(verifier.userOf(token)).toEqual({ id: SUB });
    jest.setSystemTime(NOW_MS + (TTL - 1) * 1000);
    expect(verifier.userOf(token)).toEqual({ id: SUB });
    jest.setSystemTime(NOW_MS + TTL * 1000);
    expect(verifier.userOf(token)).toBeNull();
    expect(verifier.userOf(token)).toBeNull();
  });

  it('refuses a bad signature, another secret, alg none and HS512, every time', () => {
    const verifier = verifierWith();
    const good = signed(SECRET, claims());
    const tampered = `${good.slice(0, -2)}${good.endsWith('AA') ? 'AB' : 'AA'}`;
    const refused = [
      tampered,
      signed('some-other-secret-of-thirty-two-chars!!', claims()),
      `${signed(SECRET, claims(), { alg: 'none', typ: 'JWT' }).split('.').slice(0, 2).join('.')}.`,
      signed(SECRET, claims(), { alg: 'HS512', typ: 'JWT' }),
      'not-a-token',
      '',
    ];
    for (const token of refused) {
      expect(verifier.userOf(token)).toBeNull();
      expect(verifier.userOf(token)).toBeNull();
    }
  });

  it('refuses claims it did not sign: no exp, a sub that is no user id', () => {
    const verifier = verifierWith();
    expect(verifier.userOf(signed(SECRET, { sub: SUB, iat: nowSeconds() }))).toBeNull();
    expect(verifier.userOf(signed(SECRET, claims({ sub: 'admin' })))).toBeNull();
  });

  it('accepts the previous secret only while it is configured', () => {
    const token = signed(PREVIOUS, claims());
    expect(verifierWith(PREVIOUS).userOf(token)).toEqual({ id: SUB });
    expect(verifierWith().userOf(token)).toBeNull();
  });

  it('keeps at most 10,000 verified tokens, the newest', () => {
    const verifier = verifierWith();
    // what it keeps is private; its bound is the point of this test
    const kept = verifier as unknown as Record<'newer' | 'older', Map<string, unknown>>;
    const isKept = (token: string) => kept.newer.has(token) || kept.older.has(token);
    const first = signed(SECRET, claims({ n: 0 }));
    verifier.userOf(first);
    expect(isKept(first)).toBe(true);
    for (let n = 1; n <= 20_000; n++) {
      verifier.userOf(signed(SECRET, claims({ n })));
      expect(kept.newer.size + kept.older.size).toBeLessThanOrEqual(10_000);
    }
    expect(isKept(first)).toBe(false);
    expect(verifier.userOf(first)).toEqual({ id: SUB }); // verified again, then kept again
    expect(isKept(first)).toBe(true);
  });

  it('checks the signature of a token in use once, across generations', () => {
    const jwt = new JwtService();
    const verify = jest.spyOn(jwt, 'verify'); // counts, and still verifies
    const verifier = verifierWith(undefined, jwt);
    const inUse = signed(SECRET, claims({ n: -1 }));
    for (let n = 0; n < 20_000; n++) {
      if (n % 1_000 === 0) expect(verifier.userOf(inUse)).toEqual({ id: SUB });
      verifier.userOf(signed(SECRET, claims({ n })));
    }
    expect(verify.mock.calls.filter(([token]) => token === inUse)).toHaveLength(1);
    expect(verify).toHaveBeenCalledTimes(20_001);
  });
});
