import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { toAsciiDigits } from '../../common/text/ascii-digits';

/** Sanity bound for `generateOtp`; the configuration itself allows 4–10 (`OTP_LENGTH`). */
export const MAX_OTP_LENGTH = 32;

/** Longer input is refused before any other work: no code plus spaces comes close. */
export const MAX_OTP_INPUT_LENGTH = 64;

/**
 * A one-time code of exactly `length` decimal digits, leading zeros kept (`007341`).
 * Each digit is its own `crypto.randomInt(10)` draw: uniform over all 10^length codes, with no
 * padding step to forget and no concern for randomInt's range limit (max - min < 2^48, which a
 * single draw below 10^length would hit from 15 digits on).
 */
export function generateOtp(length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > MAX_OTP_LENGTH) {
    throw new RangeError(`OTP length must be an integer from 1 to ${MAX_OTP_LENGTH}: ${length}`);
  }
  let code = '';
  for (let i = 0; i < length; i += 1) code += String(randomInt(10));
  return code;
}

/**
 * HMAC-SHA256, keyed by `OTP_HMAC_SECRET`, of `verificationId:code`. The id binds the hash to its
 * verification, so a stored hash copied onto another row matches nothing there. `code` must be
 * the normalised ASCII code (see `normaliseOtpInput`); ids are UUIDs, so the `:` is unambiguous.
 */
export function hashOtp(secret: string, verificationId: string, code: string): Buffer {
  return createHmac('sha256', secret).update(`${verificationId}:${code}`, 'utf8').digest();
}

/**
 * Whether `candidate` (already normalised) is the code whose hash is stored, compared in
 * constant time. A stored hash of the wrong length is a mismatch, not an exception
 * (`timingSafeEqual` throws on unequal lengths).
 */
export function otpMatches(
  secret: string,
  verificationId: string,
  candidate: string,
  storedHash: Buffer,
): boolean {
  const expected = hashOtp(secret, verificationId, candidate);
  if (storedHash.length !== expected.length) return false;
  return timingSafeEqual(expected, storedHash);
}

/**
 * `otpMatches` under the current `OTP_HMAC_SECRET`, or during a rotation under the previous one
 * (`OTP_HMAC_SECRET_PREVIOUS`): a code sent before the rotation still verifies. One verdict for
 * one check, so a wrong code still spends one attempt. New codes are hashed under the current
 * secret only.
 */
export function otpMatchesEitherSecret(
  secrets: { readonly hmacSecret: string; readonly previousHmacSecret?: string },
  verificationId: string,
  candidate: string,
  storedHash: Buffer,
): boolean {
  if (otpMatches(secrets.hmacSecret, verificationId, candidate, storedHash)) return true;
  return (
    secrets.previousHmacSecret !== undefined &&
    otpMatches(secrets.previousHmacSecret, verificationId, candidate, storedHash)
  );
}

// Digit groups separated by one ASCII space or dash: "123456", "123 456", "12-34-56".
const DIGIT_GROUPS = /^[0-9]+(?:[ -][0-9]+)*$/;
const GROUP_SEPARATOR = /[ -]/g;

/**
 * The code a person typed, as ASCII digits, or undefined when it is not a string of exactly
 * `length` digits. Accepted besides plain digits: Devanagari digits, surrounding whitespace, and
 * single spaces or dashes between digits, because codes are often copied or read out in groups
 * ("123 456"). Refused: letters, other scripts' digits, doubled or leading/trailing separators
 * inside the trimmed text ("123  456", "-123456"), and anything that is not a string.
 */
export function normaliseOtpInput(input: unknown, length: number): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_OTP_INPUT_LENGTH) return undefined;
  const text = toAsciiDigits(input).trim();
  if (!DIGIT_GROUPS.test(text)) return undefined;
  const digits = text.replace(GROUP_SEPARATOR, '');
  return digits.length === length ? digits : undefined;
}
