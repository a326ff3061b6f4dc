import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';

/** Pinned on sign and verify: a token's own `alg` header never chooses how it is checked. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

/** Short-lived JWTs whose `sub` is the user id. Their times are real time, not the injected clock. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get lifetimeSeconds(): number {
    return this.config.auth.accessTtlSeconds;
  }

  sign(userId: string): Promise<string> {
    return this.jwt.signAsync(
      { sub: userId },
      { algorithm: ACCESS_TOKEN_ALGORITHM, expiresIn: this.lifetimeSeconds },
    );
  }
}
