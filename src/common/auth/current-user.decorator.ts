import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthenticatedError } from '../errors/domain-error';

/** Who the access token says is calling. Taken from the token alone: no database read. */
export interface AuthenticatedUser {
  id: string;
}

/** Where the global JWT guard leaves the authenticated user. */
export interface WithAuthenticatedUser {
  user?: AuthenticatedUser;
}

/** The caller of a protected route; on a `@Public()` route there is none and this refuses. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<WithAuthenticatedUser>().user;
    if (!user) throw new UnauthenticatedError();
    return user;
  },
);
