import { Injectable, PipeTransform } from '@nestjs/common';
import type { DomainError } from '../common/errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id from the path: a malformed one names nothing, so it gets the route's own "not found"
 * answer and never reaches the database (which would refuse it as a uuid with an error of its own).
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<unknown, string> {
  constructor(private readonly notFound: () => DomainError) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw this.notFound();
    return value;
  }
}
