import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_ALGORITHM } from './access-tokens';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { userOfAccessToken } from './access-token-claims';

/**
 * Verifies the Bearer access token: signature with our secret, HS256 only (so `alg: none` or any
 * other algorithm is refused), then the claims (access-token-claims.ts: `exp` and `iat` required,
 * no older than JWT_ACCESS_TTL_SECONDS) on real time. The user comes from `sub` alone: no database
 * read on the hot path. The secret is handed over as a KeyObject: given a string, jsonwebtoken
 * first tries to parse it as a PEM public key and throws, on every request (measured:
 * docs/performance.md, Findings).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly lifetimeSeconds: number;

  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands this to jsonwebtoken.verify unchanged, which takes a KeyObject; only
      // passport-jwt's typings still say string | Buffer.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      ignoreExpiration: false,
    });
    this.lifetimeSeconds = config.auth.accessTtlSeconds;
  }

  validate(payload: Record<string, unknown>): AuthenticatedUser | null {
    // Real time, like the signing in AccessTokens: tokens outlive any injected clock.
    return userOfAccessToken(payload, Math.floor(Date.now() / 1000), this.lifetimeSeconds);
  }
}
