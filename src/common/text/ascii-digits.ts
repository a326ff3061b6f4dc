const DEVANAGARI_ZERO = 0x0966;
const ASCII_ZERO = 0x30;
const DEVANAGARI_DIGIT = /[\u0966-\u096F]/g;

/**
 * Replaces Devanagari digits (० U+0966 … ९ U+096F) with ASCII `0`–`9`; every other character is
 * left as it is. Nepali users often type numbers and codes with a Devanagari keyboard. Other
 * scripts' digits are deliberately not converted: callers that accept only ASCII then refuse them.
 */
export function toAsciiDigits(input: string): string {
  return input.replace(DEVANAGARI_DIGIT, (digit) =>
    String.fromCharCode(digit.charCodeAt(0) - DEVANAGARI_ZERO + ASCII_ZERO),
  );
}
