import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';

/**
 * Warns at start-up about a name in ADMIN_USERNAMES that no account has: whoever registers it
 * first becomes an operator. (The list is read from the configuration, not stored, so the only
 * safe order is: register the account, then name it.)
 */
@Injectable()
export class AdminAccountsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminAccounts');

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const username of this.config.admin.usernames) {
        if (!(await this.users.findByUsername(username))) {
          this.logger.warn(
            { username },
            'ADMIN_USERNAMES names an account that does not exist: whoever registers this username becomes an operator',
          );
        }
      }
    } catch (error) {
      // A database that is not there yet is readiness's business, not a reason to stop.
      this.logger.warn({ err: error }, 'could not check the accounts in ADMIN_USERNAMES');
    }
  }
}
