import { Module } from '@nestjs/common';
import { DeliveryLogModule } from '../sms/delivery-log/delivery-log.module';
import { AllowlistRepository } from './allowlist.repository';
import { Challenges } from './challenge/challenges';
import { ChallengeRateLimit, ChallengesController } from './challenge/challenges.controller';
import { UsedChallengeRetentionJob } from './challenge/used-challenge-retention.job';
import { UsedChallengeRepository } from './challenge/used-challenge.repository';
import { FraudGuard } from './fraud-guard';
import { FraudService } from './fraud.service';
import { PhoneBlockRepository } from './phone-block.repository';

/**
 * The fraud guard against SMS pumping: its signals, its automatic blocks and the operator's
 * blocks and allowlist, and proof-of-work challenges (GET /v1/challenges). It decides; the send
 * path asks (FraudGuard), the admin routes write blocks and the allowlist (FraudService).
 */
@Module({
  imports: [DeliveryLogModule],
  controllers: [ChallengesController],
  providers: [
    PhoneBlockRepository,
    AllowlistRepository,
    FraudService,
    UsedChallengeRepository,
    Challenges,
    ChallengeRateLimit,
    UsedChallengeRetentionJob,
    FraudGuard,
  ],
  exports: [FraudService, FraudGuard],
})
export class FraudModule {}
