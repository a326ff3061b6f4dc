import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { noteUserId } from '../common/logging/request-log-fields';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { WithAuthenticatedUser } from '../common/auth/current-user.decorator';
import { IS_PUBLIC_KEY } from '../common/auth/public.decorator';
import { AccessTokenVerifier } from './access-token-verifier';

/** `Authorization: Bearer <token>`, the scheme in any case. */
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** Registered globally: every route needs a valid access token unless marked `@Public()`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & WithAuthenticatedUser>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const user = token === undefined ? null : this.tokens.userOf(token);
    if (!user) throw new UnauthenticatedError();
    request.user = user;
    noteUserId(request.raw, user.id); // the request's log line names who asked
    return true;
  }
}
