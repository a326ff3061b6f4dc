import { CanActivate, ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';

/**
 * Who may scrape `/metrics`: with METRICS_TOKEN set, a request bearing it (compared in constant
 * time); without one, anybody, except in production, where the route does not exist (404).
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(private readonly config: AppConfig) {
    const token = config.metrics.token;
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) {
      if (this.config.nodeEnv === 'production') throw new NotFoundException();
      return true;
    }
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const presented = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    // Digests of equal length, so neither the comparison nor its length check leaks the token.
    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      throw new UnauthenticatedError('A valid metrics token is required.');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
