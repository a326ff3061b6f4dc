import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * Set on every request by the onRequest hook in `configureApp`: the client's address in its
 * canonical text (ip-keys.ts), taken from X-Forwarded-For only as `TRUST_PROXY` allows
 * (trusted-proxies.ts). What per-IP limits count and what `client_ip` columns store.
 */
export interface WithClientIp {
  clientIp: string;
}

export const ClientIp = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<WithClientIp>().clientIp,
);
