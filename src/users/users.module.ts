import { Module } from '@nestjs/common';
import { RequireVerifiedPhone } from './require-verified-phone.guard';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, RequireVerifiedPhone],
  // the guard needs UsersService, so any module using it imports UsersModule
  exports: [UsersService, RequireVerifiedPhone],
})
export class UsersModule {}
