import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { userOfAccessToken } from './access-token-claims';
import { AccessTokenKeys } from './access-token-keys';
import { ACCESS_TOKEN_ALGORITHM } from './access-tokens';

/**
 * Tokens whose signature was checked, kept for their next requests (a client sends one many
 * times): two generations of this many; when the newer is full, the older is dropped. Evicting
 * the oldest entry of one Map instead cost more than the signature it saved: a V8 Map's first
 * key is found by skipping every deleted entry before it.
 */
const VERIFIED_TOKENS_PER_GENERATION = 5_000;

type Claims = Readonly<Record<string, unknown>>;

/**
 * Verifies a Bearer access token: the signature with our secret (or, during a rotation, the
 * previous one: access-token-keys.ts), HS256 only (so `alg: none` or any other algorithm is
 * refused), by jsonwebtoken; then the claims (access-token-claims.ts: `exp` and `iat` required,
 * no older than JWT_ACCESS_TTL_SECONDS) on real time. The user comes from `sub` alone: no database
 * read on the hot path.
 *
 * A token whose signature checked out is kept (the last 5,000 to 10,000 of them) with its
 * claims, so its next requests skip the signature, which was most of the check's cost
 * (docs/performance.md, "The request log and the token check"); its claims are judged again on
 * every request, so it still expires on time. Only tokens we signed get in: a flood of forged
 * ones cannot evict anything but other valid tokens, and a lookup reveals nothing about a
 * signature.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: AccessTokenKeys;
  private readonly lifetimeSeconds: number;
  private newer = new Map<string, Claims>();
  private older = new Map<string, Claims>();

  constructor(
    private readonly jwt: JwtService,
    config: AppConfig,
  ) {
    this.keys = new AccessTokenKeys(config.auth.jwtSecret, config.auth.previousJwtSecret);
    this.lifetimeSeconds = config.auth.accessTtlSeconds;
  }

  /** The caller the token names, or null for any token that is not a valid one of ours. */
  userOf(token: string): AuthenticatedUser | null {
    let claims = this.newer.get(token);
    if (!claims) {
      claims = this.older.get(token) ?? this.verify(token);
      if (!claims) return null;
      this.keep(token, claims);
    }
    // Real time, like the signing in AccessTokens: tokens outlive any injected clock. A kept
    // token that expired stays until its generation is dropped, refused here every time.
    return userOfAccessToken(claims, Math.floor(Date.now() / 1000), this.lifetimeSeconds);
  }

  private keep(token: string, claims: Claims): void {
    if (this.newer.size >= VERIFIED_TOKENS_PER_GENERATION) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(token, claims);
  }

  private verify(token: string): Claims | undefined {
    let claims: unknown;
    try {
      claims = this.jwt.verify(token, {
        // jsonwebtoken takes a KeyObject; only @nestjs/jwt's typings still say string | Buffer
        secret: this.keys.keyFor(token) as unknown as Buffer,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
      });
    } catch {
      return undefined; // why (expired, bad signature, wrong algorithm) is not the client's business
    }
    return typeof claims === 'object' && claims !== null ? (claims as Claims) : undefined;
  }
}
