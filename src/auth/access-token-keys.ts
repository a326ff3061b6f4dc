import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * The keys an access token may be verified with: the current `JWT_SECRET`, and during a rotation
 * `JWT_SECRET_PREVIOUS`. Tokens are only ever signed with the current one (AccessTokens).
 *
 * Handed as KeyObjects: given a string, jsonwebtoken first tries to parse it as a PEM public key
 * and throws, on every request (docs/performance.md, Findings).
 */
export class AccessTokenKeys {
  readonly current: KeyObject;
  readonly previous: KeyObject | undefined;

  constructor(current: string, previous: string | undefined) {
    this.current = createSecretKey(Buffer.from(current, 'utf8'));
    this.previous =
      previous === undefined ? undefined : createSecretKey(Buffer.from(previous, 'utf8'));
  }

  /**
   * The key to verify `token` with: the current one if the token's HS256 signature is the
   * current key's, else the previous one (if any). Choosing costs one HMAC; the verification
   * proper (signature, algorithm, expiry) is jsonwebtoken's with the key chosen, so a
   * token signed with neither key fails there.
   */
  keyFor(token: string): KeyObject {
    if (!this.previous) return this.current;
    const lastDot = token.lastIndexOf('.');
    if (lastDot <= 0) return this.current;
    const expected = createHmac('sha256', this.current).update(token.slice(0, lastDot)).digest();
    const given = Buffer.from(token.slice(lastDot + 1), 'base64url');
    const current = given.length === expected.length && timingSafeEqual(given, expected);
    return current ? this.current : this.previous;
  }
}
