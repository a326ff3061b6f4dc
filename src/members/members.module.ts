import { Module } from '@nestjs/common';
import { PhoneVerificationModule } from '../phone-verification/phone-verification.module';
import { MembersController } from './members.controller';

@Module({
  imports: [PhoneVerificationModule],
  controllers: [MembersController],
})
export class MembersModule {}
