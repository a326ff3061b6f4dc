import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { isIP } from 'node:net';

/**
 * The client's address. With `hops` trusted reverse proxies in front of us, each appends the peer
 * it saw to X-Forwarded-For, so the client is the hops-th entry from the right; everything left of
 * it was written by the client and is ignored. With 0 hops the header is not trusted at all.
 */
export function resolveClientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  const peer = normaliseIp(remoteAddress ?? '') ?? 'unknown';
  if (trustedHops <= 0 || forwardedFor === undefined) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (chain.length === 0) return peer;
  const candidate = chain[Math.max(0, chain.length - trustedHops)];
  return normaliseIp(candidate) ?? peer;
}

function normaliseIp(value: string): string | undefined {
  const unmapped =
    value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(unmapped) ? unmapped.toLowerCase() : undefined;
}

/** Set on every request by the onRequest hook in `configureApp`. */
export interface WithClientIp {
  clientIp: string;
}

export const ClientIp = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<WithClientIp>().clientIp,
);
