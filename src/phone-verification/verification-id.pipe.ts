import { Injectable, PipeTransform } from '@nestjs/common';
import { VerificationNotFoundError } from './phone-verification.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A verification id from the path: a malformed one names no verification, so it is answered like
 * an unknown one (404 VERIFICATION_NOT_FOUND), and never reaches the database (which would refuse
 * it as a uuid with an error of its own).
 */
@Injectable()
export class VerificationIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new VerificationNotFoundError();
    return value;
  }
}
