import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { ACCESS_TOKEN_ALGORITHM, AccessTokens } from './access-tokens';
import { AuthCleanupJob } from './auth-cleanup.job';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { AccessTokenVerifier } from './access-token-verifier';
import { LoginFailureRepository } from './login-throttle/login-failure.repository';
import { LoginThrottle } from './login-throttle/login-throttle.service';
import { PasswordHasher } from './passwords';
import { RefreshTokenRepository } from './refresh-tokens/refresh-token.repository';
import { RefreshTokensService } from './refresh-tokens/refresh-tokens.service';

/**
 * Register, login, refresh, logout, and the global access-token guard: every route of the app
 * requires `Authorization: Bearer <accessToken>` unless marked `@Public()`.
 */
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: ACCESS_TOKEN_ALGORITHM },
        verifyOptions: { algorithms: [ACCESS_TOKEN_ALGORITHM] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AccessTokens,
    PasswordHasher,
    RefreshTokenRepository,
    RefreshTokensService,
    LoginFailureRepository,
    LoginThrottle,
    AccessTokenVerifier,
    AuthCleanupJob,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AuthModule {}
