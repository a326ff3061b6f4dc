import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { AccessTokenKeys } from './access-token-keys';
import { ACCESS_TOKEN_ALGORITHM } from './access-tokens';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { userOfAccessToken } from './access-token-claims';

/**
 * Verifies the Bearer access token: signature with our secret (or, during a rotation, the
 * previous one: access-token-keys.ts), HS256 only (so `alg: none` or any other algorithm is
 * refused), then the claims (access-token-claims.ts: `exp` and `iat` required, no older than
 * JWT_ACCESS_TTL_SECONDS) on real time. The user comes from `sub` alone: no database read on the
 * hot path.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly lifetimeSeconds: number;

  constructor(config: AppConfig) {
    const keys = new AccessTokenKeys(config.auth.jwtSecret, config.auth.previousJwtSecret);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken.verify unchanged, which takes a KeyObject;
      // only passport-jwt's typings still say string | Buffer.
      ...(keys.previous
        ? {
            secretOrKeyProvider: (
              _request: unknown,
              token: string,
              done: (error: null, key: Buffer) => void,
            ) => done(null, keys.keyFor(token) as unknown as Buffer),
          }
        : { secretOrKey: keys.current as unknown as Buffer }),
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
