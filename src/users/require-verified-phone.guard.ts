import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '../common/errors/domain-error';
import type { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { PhoneNotVerifiedError } from './users.errors';
import { UsersService } from './users.service';

/**
 * The sign-up wall: lets a request through only if the user's phone is verified now. Reads the
 * user's current row, not a token claim, so unlinking a number takes effect at once.
 */
@Injectable()
export class RequireVerifiedPhone implements CanActivate {
  constructor(private readonly users: UsersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>();
    if (!request.user) throw new UnauthenticatedError();
    const user = await this.users.findById(request.user.id);
    if (!user) throw new UnauthenticatedError();
    if (!user.phoneVerified) throw new PhoneNotVerifiedError();
    return true;
  }
}
