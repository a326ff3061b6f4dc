import { createParamDecorator, ExecutionContext, CanActivate, Injectable } from '@nestjs/common';
import type { WithAuthenticatedUser } from '../common/auth/current-user.decorator';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { ForbiddenError } from './admin.errors';

/** The operator behind an admin request, as AdminGuard found them. */
export interface AdminCaller {
  readonly id: string;
  readonly username: string;
}

interface AdminRequest extends WithAuthenticatedUser {
  admin?: AdminCaller;
}

/**
 * Lets through the accounts named in ADMIN_USERNAMES (any letter case). Runs after the global
 * access-token guard, so the caller is authenticated; the username is read from the account
 * (UsersService), never from the token, so renaming or deleting an account takes effect at once
 * and a token minted before someone became an admin works as soon as they are one.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly admins: ReadonlySet<string>;

  constructor(
    private readonly users: UsersService,
    config: AppConfig,
  ) {
    this.admins = new Set(config.admin.usernames);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    if (!request.user) throw new UnauthenticatedError();
    const user = await this.users.findById(request.user.id);
    if (!user) throw new UnauthenticatedError();
    if (!this.admins.has(user.username.toLowerCase())) throw new ForbiddenError();
    request.admin = { id: user.id, username: user.username };
    return true;
  }
}

/** The operator calling an admin route (set by AdminGuard). */
export const CurrentAdmin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AdminCaller => {
    const admin = context.switchToHttp().getRequest<AdminRequest>().admin;
    if (!admin) throw new UnauthenticatedError();
    return admin;
  },
);
