import { Module } from '@nestjs/common';
import { FraudModule } from '../fraud/fraud.module';
import { DeliveryLogModule } from '../sms/delivery-log/delivery-log.module';
import { SmsModule } from '../sms/sms.module';
import { UsersModule } from '../users/users.module';
import { PhoneVerificationController } from './phone-verification.controller';
import { PhoneVerificationRepository } from './phone-verification.repository';
import { PhoneVerificationService } from './phone-verification.service';
import { VerificationRetentionJob } from './verification-retention.job';
import { VerificationStatistics } from './verification-statistics';

@Module({
  imports: [SmsModule, DeliveryLogModule, UsersModule, FraudModule],
  controllers: [PhoneVerificationController],
  providers: [
    PhoneVerificationRepository,
    PhoneVerificationService,
    VerificationRetentionJob,
    VerificationStatistics,
  ],
  exports: [VerificationStatistics],
})
export class PhoneVerificationModule {}
