import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { noteUserId } from '../common/logging/request-log-fields';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { AuthenticatedUser } from '../common/auth/current-user.decorator';
import { IS_PUBLIC_KEY } from '../common/auth/public.decorator';

/** Registered globally: every route needs a valid access token unless marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  // Why a token was refused (expired, bad signature, wrong algorithm) is not the client's business.
  override handleRequest<TUser = AuthenticatedUser>(
    error: unknown,
    user: unknown,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error || !user) throw new UnauthenticatedError();
    // the request's log line names who asked
    noteUserId(
      context.switchToHttp().getRequest<FastifyRequest>().raw,
      (user as AuthenticatedUser).id,
    );
    return user as TUser;
  }
}
