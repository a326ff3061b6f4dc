import { toAsciiDigits } from '../../common/text/ascii-digits';
import { FieldError, ValidationFailedError } from '../../common/errors/domain-error';
import type { PhoneTarget } from '../../fraud/phone-target';
import {
  MOBILE_OPERATORS,
  operatorOf,
} from '../../phone-verification/phone-number/mobile-operators';
import { parsePhoneNumber } from '../../phone-verification/phone-number/phone-number';

const PREFIX_MESSAGE =
  'must be the first 6 digits of a Nepali mobile number (the 10 digits less the last four), e.g. 981234';

/**
 * The number or prefix a block or allowlist entry is about, from `{ phone }` or `{ prefix }`:
 * a number in any form the send route accepts (of any operator: an operator may block a number
 * PHONE_ALLOWED_OPERATORS does not serve yet), to E.164; a prefix of six digits in a mobile range.
 * @throws ValidationFailedError naming the field.
 */
export function phoneTargetOf(body: { phone?: string; prefix?: string }): PhoneTarget {
  const fail = (error: FieldError): never => {
    throw new ValidationFailedError([error]);
  };
  if ((body.phone === undefined) === (body.prefix === undefined)) {
    return fail({ field: 'phone', message: 'give exactly one of phone and prefix' });
  }
  if (body.phone !== undefined) {
    const parsed = parsePhoneNumber(body.phone, MOBILE_OPERATORS);
    return parsed.ok ? { phone: parsed.e164 } : fail({ field: 'phone', message: parsed.message });
  }
  const prefix = toAsciiDigits(body.prefix ?? '').trim();
  if (!/^\d{6}$/.test(prefix) || operatorOf(prefix) === undefined) {
    return fail({ field: 'prefix', message: PREFIX_MESSAGE });
  }
  return { prefix };
}
