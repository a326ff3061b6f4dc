import { AuthenticatedUser } from '../common/auth/current-user.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How far in the future an `iat` may be: the instances that sign and verify are different
 * machines whose clocks differ by a little, never by this much.
 */
export const IAT_LEEWAY_SECONDS = 5;

/**
 * The user an access token's verified claims name, or null when the claims are not what this
 * service signs: `sub` a user id, `iat` and `exp` both numbers, `iat` not in the future, and the
 * token not older than `lifetimeSeconds` from its `iat` and not past its `exp`. The signature is
 * checked before (jsonwebtoken), but jsonwebtoken accepts a token without `exp` and never looks
 * at `iat`: with a leaked secret, a token forged without `exp` would otherwise never expire.
 */
export function userOfAccessToken(
  claims: Readonly<Record<string, unknown>>,
  nowSeconds: number,
  lifetimeSeconds: number,
): AuthenticatedUser | null {
  const { sub, iat, exp } = claims;
  if (typeof sub !== 'string' || !UUID.test(sub)) return null;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return null;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
  if (iat > nowSeconds + IAT_LEEWAY_SECONDS) return null;
  if (nowSeconds - iat > lifetimeSeconds || nowSeconds >= exp) return null;
  return { id: sub };
}
