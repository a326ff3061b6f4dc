import { Module } from '@nestjs/common';
import { FraudModule } from '../fraud/fraud.module';
import { PhoneVerificationModule } from '../phone-verification/phone-verification.module';
import { DeliveryLogModule } from '../sms/delivery-log/delivery-log.module';
import { SmsModule } from '../sms/sms.module';
import { UsersModule } from '../users/users.module';
import { AdminAccountsCheck } from './admin-accounts.check';
import { AdminPageController } from './admin-page.controller';
import { AdminGuard } from './admin.guard';
import { AllowlistController, BlocksController } from './blocks/blocks.controller';
import { GatewaysController } from './gateways/gateways.controller';
import { StatisticsService } from './stats/statistics.service';
import { StatsController } from './stats/stats.controller';

/**
 * The operator console: `/v1/admin/*` for the accounts in ADMIN_USERNAMES, and the `/admin`
 * dashboard. It reads through the other modules' services and writes only blocks and the
 * allowlist, through FraudService; `GET /v1/admin/gateways` shows the SMS routing's state.
 */
@Module({
  imports: [UsersModule, FraudModule, DeliveryLogModule, PhoneVerificationModule, SmsModule],
  controllers: [
    StatsController,
    BlocksController,
    AllowlistController,
    GatewaysController,
    AdminPageController,
  ],
  providers: [AdminGuard, StatisticsService, AdminAccountsCheck],
})
export class AdminModule {}
