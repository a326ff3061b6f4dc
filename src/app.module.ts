import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { CommonModule } from './common/common.module';
import { ProblemDetailsFilter } from './common/http/problem-details.filter';
import { createValidationPipe } from './common/http/validation.pipe';
import { LoggingModule } from './common/logging/logging.module';
import { ConfigModule } from './config/config.module';
import { loadConfiguration } from './configuration';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { SmsModule } from './sms/sms.module';
import { AuthModule } from './auth/auth.module';
import { UsersModule } from './users/users.module';
import { PhoneVerificationModule } from './phone-verification/phone-verification.module';
import { MembersModule } from './members/members.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { MetricsModule } from './metrics/metrics.module';
import { FraudModule } from './fraud/fraud.module';
import { AdminModule } from './admin/admin.module';

@Module({
  imports: [
    ConfigModule.forRoot(loadConfiguration),
    LoggingModule,
    CommonModule,
    DatabaseModule,
    ScheduleModule.forRoot(),
    MetricsModule,
    HealthModule,
    RateLimitModule,
    SmsModule,
    UsersModule,
    AuthModule,
    PhoneVerificationModule,
    MembersModule,
    FraudModule,
    AdminModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {}
