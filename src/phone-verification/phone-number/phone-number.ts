import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { toAsciiDigits } from '../../common/text/ascii-digits';
import { MobileOperator, operatorOf } from './mobile-operators';

/**
 * Parsing of the `phone` field: a Nepali mobile number typed by a person, in any of the forms
 * docs/api.md lists, to E.164. The lexical rules are ours and strict; libphonenumber-js only ever
 * sees an ASCII `+977…` string we built, and only to pick the right rejection message (landline
 * or a mobile range outside our table). It is never the gate: left to itself it would accept
 * vanity letters, `ext. 5`, a `0` trunk prefix before a mobile and other scripts' digits.
 */

export type PhoneRejection =
  | 'not_a_string'
  | 'empty'
  | 'not_a_phone_number'
  | 'too_short'
  | 'too_long'
  | 'not_nepal'
  | 'not_mobile'
  | 'operator_not_allowed';

export type NepalE164 = `+977${string}`;

export interface ParsedPhone {
  readonly ok: true;
  readonly e164: NepalE164;
  /** The 10-digit national number, e.g. `9812345678` (what Sparrow SMS calls `to`). */
  readonly national: string;
  readonly operator: MobileOperator;
}

export interface RejectedPhone {
  readonly ok: false;
  readonly reason: PhoneRejection;
  /** Safe to show to the person who typed the number. */
  readonly message: string;
}

/** Longer input is refused before any other work, which bounds the cost of every step below. */
export const MAX_PHONE_INPUT_LENGTH = 40;

const COUNTRY_CODE = '977';
const NATIONAL_LENGTH = 10;
const EXAMPLE = '98XXXXXXXX';

const OPERATOR_DISPLAY_NAMES: Record<MobileOperator, string> = {
  NTC: 'NTC',
  NCELL: 'Ncell',
  SMART: 'Smart',
  UTL: 'UTL',
};

// Separators people type or paste: spaces (incl. no-break spaces), dashes (incl. the Unicode
// hyphens and en dash word processors substitute), dots and parentheses. Nothing else; in
// particular no letters and no digits of other scripts (only Devanagari ones are converted).
const PHONE_CHARACTERS = /^[0-9+() \t\u00A0\u202F.\-\u2010-\u2013]+$/;
// A `+` is allowed once, as the very first character or just inside an opening parenthesis.
const LEADING_PLUS = /^\(?\+[^+]*$/;
// A parenthesised group must hold at least one digit: `()` or `(-)` is not a number.
const GROUP_WITHOUT_DIGIT = /\([^()0-9]*\)/;
const NON_DIGIT = /[^0-9]/g;

export function parsePhoneNumber(
  input: unknown,
  allowedOperators: readonly MobileOperator[],
): ParsedPhone | RejectedPhone {
  if (typeof input !== 'string') return reject('not_a_string', allowedOperators);
  if (input.length > MAX_PHONE_INPUT_LENGTH) return reject('too_long', allowedOperators);

  const text = toAsciiDigits(input).trim();
  if (text === '') return reject('empty', allowedOperators);
  if (!looksLikeAPhoneNumber(text)) return reject('not_a_phone_number', allowedOperators);

  const digits = text.replace(NON_DIGIT, '');
  if (digits === '') return reject('not_a_phone_number', allowedOperators);

  const national = nationalDigits(digits, text.includes('+'));
  if (national === undefined) return reject('not_nepal', allowedOperators);
  return classifyNational(national, allowedOperators);
}

/** `+9779812345678` → `+977 981-234-5678`. Anything else is returned unchanged (never throws). */
export function formatPhoneForDisplay(e164: string): string {
  const match = /^\+977(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `+977 ${match[1]}-${match[2]}-${match[3]}` : e164;
}

function looksLikeAPhoneNumber(text: string): boolean {
  if (!PHONE_CHARACTERS.test(text)) return false;
  if (text.includes('+') && !LEADING_PLUS.test(text)) return false;
  return parenthesesAreBalanced(text) && !GROUP_WITHOUT_DIGIT.test(text);
}

/** Balanced and not nested: `(+977) 98…` yes, `(98…`, `98)…`, `((98))…` no. */
function parenthesesAreBalanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    if (depth < 0 || depth > 1) return false;
  }
  return depth === 0;
}

/**
 * The national part of the dialled digits, or undefined when they name another country.
 * `+…` and `00…` are international forms; a bare `977…` longer than a national number is the
 * country code typed without its plus (no national number starts with 977 and is that long).
 */
function nationalDigits(digits: string, hasPlus: boolean): string | undefined {
  if (hasPlus) return afterCountryCode(digits);
  if (digits.startsWith('00')) return afterCountryCode(digits.slice(2));
  if (digits.startsWith(COUNTRY_CODE) && digits.length > NATIONAL_LENGTH) {
    return digits.slice(COUNTRY_CODE.length);
  }
  return digits;
}

function afterCountryCode(international: string): string | undefined {
  if (international.startsWith(COUNTRY_CODE)) return international.slice(COUNTRY_CODE.length);
  // `+97` is an unfinished `+977`, not another country.
  return COUNTRY_CODE.startsWith(international) ? '' : undefined;
}

function classifyNational(
  national: string,
  allowedOperators: readonly MobileOperator[],
): ParsedPhone | RejectedPhone {
  if (national.length !== NATIONAL_LENGTH) {
    if (isNepalNonMobileNumber(national)) return reject('not_mobile', allowedOperators);
    return reject(national.length < NATIONAL_LENGTH ? 'too_short' : 'too_long', allowedOperators);
  }
  const operator = operatorOf(national);
  if (operator === undefined) {
    // A real mobile range we do not serve (or one newer than our table): say which ones we do.
    const reason = isNepalMobileNumber(national) ? 'operator_not_allowed' : 'not_mobile';
    return reject(reason, allowedOperators);
  }
  if (!allowedOperators.includes(operator)) return reject('operator_not_allowed', allowedOperators);
  return { ok: true, e164: `+${COUNTRY_CODE}${national}`, national, operator };
}

function isNepalMobileNumber(national: string): boolean {
  return nepalNumberType(national) === 'MOBILE';
}

/** A landline, toll-free or other valid Nepali number that cannot receive an SMS code. */
function isNepalNonMobileNumber(national: string): boolean {
  // Landlines are written with their trunk 0 (`01-4123456`); strip it to ask libphonenumber.
  const type = nepalNumberType(national.replace(/^0/, ''));
  return type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE';
}

/** libphonenumber's type for a national number it considers valid; undefined otherwise. */
function nepalNumberType(national: string): string | undefined {
  if (!/^[1-9][0-9]*$/.test(national)) return undefined;
  const parsed = parsePhoneNumberFromString(`+${COUNTRY_CODE}${national}`);
  return parsed?.isValid() ? parsed.getType() : undefined;
}

function reject(
  reason: PhoneRejection,
  allowedOperators: readonly MobileOperator[],
): RejectedPhone {
  return { ok: false, reason, message: rejectionMessage(reason, allowedOperators) };
}

function rejectionMessage(
  reason: PhoneRejection,
  allowedOperators: readonly MobileOperator[],
): string {
  switch (reason) {
    case 'not_a_string':
      return `Send the phone number as text, e.g. "${EXAMPLE}".`;
    case 'empty':
      return `Enter your mobile number, e.g. ${EXAMPLE}.`;
    case 'not_a_phone_number':
      return `Enter a Nepali mobile number using digits only, e.g. ${EXAMPLE}.`;
    case 'too_short':
      return `This number is too short: a Nepali mobile number has 10 digits, e.g. ${EXAMPLE}.`;
    case 'too_long':
      return `This number is too long: a Nepali mobile number has 10 digits, e.g. ${EXAMPLE}.`;
    case 'not_nepal':
      return `Only Nepali mobile numbers (+977) are accepted, e.g. ${EXAMPLE}.`;
    case 'not_mobile':
      return `This is not a Nepali mobile number. Enter a mobile number, e.g. ${EXAMPLE}.`;
    case 'operator_not_allowed':
      return operatorsMessage(allowedOperators);
  }
}

function operatorsMessage(allowedOperators: readonly MobileOperator[]): string {
  const names = [...new Set(allowedOperators)].map((operator) => OPERATOR_DISPLAY_NAMES[operator]);
  if (names.length === 0) return 'No mobile operator is accepted at the moment.';
  const last = names[names.length - 1];
  const list = names.length === 1 ? last : `${names.slice(0, -1).join(', ')} and ${last}`;
  return `Only ${list} numbers are accepted.`;
}
