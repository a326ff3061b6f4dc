import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { userOfAccessToken } from './access-token-claims';
import { AccessTokenKeys } from './access-token-keys';
import { ACCESS_TOKEN_ALGORITHM } from './access-tokens';

/** Tokens whose signature was checked, kept for their next requests: a client sends one many times. */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Verifies a Bearer access token: the signature with our secret (or, during a rotation, the
 * previous one: access-token-keys.ts), HS256 only (so `alg: none` or any other algorithm is
 * refused), by jsonwebtoken; then the claims (access-token-claims.ts: `exp` and `iat` required,
 * no older than JWT_ACCESS_TTL_SECONDS) on real time. The user comes from `sub` alone: no database
 * read on the hot path.
 *
 * A token whose signature checked out is kept (the last VERIFIED_TOKENS_KEPT of them) with its
 * claims, so its next requests skip the signature, which was most of the check's cost
 * (docs/performance.md, "The token check"); its claims are judged again on every request, so
 * it still expires on time. Only tokens we signed get in: a flood of forged ones cannot evict
 * anything but other valid tokens, and a lookup reveals nothing about a signature.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: AccessTokenKeys;
  private readonly lifetimeSeconds: number;
  private readonly verified = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(
    private readonly jwt: JwtService,
    config: AppConfig,
  ) {
    this.keys = new AccessTokenKeys(config.auth.jwtSecret, config.auth.previousJwtSecret);
    this.lifetimeSeconds = config.auth.accessTtlSeconds;
  }

  /** The caller the token names, or null for any token that is not a valid one of ours. */
  userOf(token: string): AuthenticatedUser | null {
    const claims = this.verified.get(token) ?? this.verify(token);
    if (!claims) return null;
    // Real time, like the signing in AccessTokens: tokens outlive any injected clock.
    const user = userOfAccessToken(claims, Math.floor(Date.now() / 1000), this.lifetimeSeconds);
    if (!user) this.verified.delete(token);
    return user;
  }

  private verify(token: string): Readonly<Record<string, unknown>> | null {
    let claims: unknown;
    try {
      claims = this.jwt.verify(token, {
        // jsonwebtoken takes a KeyObject; only @nestjs/jwt's typings still say string | Buffer
        secret: this.keys.keyFor(token) as unknown as Buffer,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
      });
    } catch {
      return null; // why (expired, bad signature, wrong algorithm) is not the client's business
    }
    if (typeof claims !== 'object' || claims === null) return null;
    const verified = claims as Readonly<Record<string, unknown>>;
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) {
      // the oldest entry: a Map iterates in insertion order
      this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(token, verified);
    return verified;
  }
}
