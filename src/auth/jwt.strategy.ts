import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_ALGORITHM } from './access-tokens';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies the Bearer access token: signature with our secret, HS256 only (so `alg: none` or any
 * other algorithm is refused), expiry on real time. The user comes from `sub` alone: no database
 * read on the hot path. The secret is handed over as a KeyObject: given a string, jsonwebtoken
 * first tries to parse it as a PEM public key and throws, on every request (measured:
 * docs/performance.md, Findings).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands this to jsonwebtoken.verify unchanged, which takes a KeyObject; only
      // passport-jwt's typings still say string | Buffer.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  validate(payload: { sub?: unknown }): AuthenticatedUser | null {
    // We only ever sign user ids; anything else is refused before it reaches a uuid column.
    return typeof payload.sub === 'string' && UUID.test(payload.sub) ? { id: payload.sub } : null;
  }
}
