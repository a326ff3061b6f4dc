import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryLogModule } from '../sms/delivery-log/delivery-log.module';
import { SmsModule } from '../sms/sms.module';
import { UsersModule } from '../users/users.module';
import { PhoneVerificationController } from './phone-verification.controller';
import { PhoneVerification } from './phone-verification.entity';
import { PhoneVerificationRepository } from './phone-verification.repository';
import { PhoneVerificationService } from './phone-verification.service';
import { RequireVerifiedPhone } from './require-verified-phone.guard';
import { VerificationRetentionJob } from './verification-retention.job';

@Module({
  imports: [
    TypeOrmModule.forFeature([PhoneVerification]),
    SmsModule,
    DeliveryLogModule,
    UsersModule,
  ],
  controllers: [PhoneVerificationController],
  providers: [
    PhoneVerificationRepository,
    PhoneVerificationService,
    RequireVerifiedPhone,
    VerificationRetentionJob,
  ],
  // the guard needs UsersService wherever it is used, so the module that exports it also re-exports UsersModule
  exports: [RequireVerifiedPhone, UsersModule],
})
export class PhoneVerificationModule {}
