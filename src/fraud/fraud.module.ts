import { Module } from '@nestjs/common';
import { AllowlistRepository } from './allowlist.repository';
import { FraudService } from './fraud.service';
import { PhoneBlockRepository } from './phone-block.repository';

/**
 * The fraud guard's home: blocks and the allowlist today (operator blocks refuse sends; the
 * guard's automatic blocks land in the same table), its signals and challenges later.
 */
@Module({
  providers: [PhoneBlockRepository, AllowlistRepository, FraudService],
  exports: [FraudService],
})
export class FraudModule {}
