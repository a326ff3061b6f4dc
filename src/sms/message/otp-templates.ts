/**
 * The verification SMS in each language: a template with `{code}`, `{brand}` and `{minutes}`,
 * then, when configured, a line with the Android app hash (SMS Retriever) and, last, the WebOTP
 * line `@<domain> #<code>` (browsers read the code only from the last line). Those two lines are
 * machine-read and the same in every language.
 */

import { SMS_LOCALES, type SmsLocale } from '../../config/environment';

export { SMS_LOCALES, type SmsLocale };

export function isSmsLocale(value: string): value is SmsLocale {
  return (SMS_LOCALES as readonly string[]).includes(value);
}

export const OTP_PLACEHOLDERS = ['code', 'brand', 'minutes'] as const;

/*
 * Nepali (ne) — written as Nepali services write an OTP SMS, mirroring the English order:
 * - `{code}` first, in ASCII digits: notification previews show it, and Android autofill,
 *   iOS code detection and WebOTP read only ASCII digits.
 * - तपाईंको: the polite "your" (तपाईं) that businesses use with customers; तिमी is too
 *   familiar, हजुर too ceremonious for a transactional SMS. Written with anusvara (ं), the common
 *   spelling.
 * - प्रमाणीकरण कोड: the usual Nepali term for a verification code; spelt with दीर्घ ई as in the
 *   dictionary, not the frequent misspelling प्रमाणिकरण. "OTP" in Latin letters is common in
 *   Nepali SMS too, but is jargon to many readers.
 * - हो। … मान्य।: a full sentence, then the terse "valid for N minutes" that notices and SMS use;
 *   "मान्य" (valid) is the word banks use for a code's lifetime and is shorter than
 *   "यसको म्याद … मा सकिन्छ" (it expires in …), which matters in a 70-unit UCS-2 SMS.
 *   Sentences end with the danda (।), not a full stop.
 * - {minutes} in Devanagari digits (१०): numbers in Nepali prose are written so, and it leaves
 *   the code as the only ASCII number in the text, so no autofill can take the lifetime for the
 *   code. It costs the same (one UTF-16 unit per digit). मिनेट has no plural form.
 * Fixed text: 46 UTF-16 units, so a 6-digit code and १० leave 16 for the brand in one SMS.
 */
export const DEFAULT_OTP_TEMPLATES: Readonly<Record<SmsLocale, string>> = {
  en: '{code} is your {brand} verification code. It expires in {minutes} minutes.',
  ne: '{code} तपाईंको {brand} प्रमाणीकरण कोड हो। {minutes} मिनेटसम्म मान्य।',
};

export interface OtpSmsValues {
  /** ASCII digits. */
  code: string;
  brand: string;
  ttlSeconds: number;
  androidAppHash?: string;
  webOtpDomain?: string;
}

const PLACEHOLDER = /\{(code|brand|minutes)\}/g;
const ANY_PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Whole minutes, at least one (as the English text has always said). */
export function ttlMinutes(ttlSeconds: number): number {
  return Math.max(1, Math.floor(ttlSeconds / 60));
}

/** `{word}` placeholders the templates do not know, e.g. a mistyped `{Code}`. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(OTP_PLACEHOLDERS);
  const unknown = new Set<string>();
  for (const match of template.matchAll(ANY_PLACEHOLDER)) {
    if (!known.has(match[1])) unknown.add(match[0]);
  }
  return [...unknown];
}

/** The message without the app-hash and WebOTP lines. */
export function renderOtpSmsBody(
  locale: SmsLocale,
  template: string,
  values: Pick<OtpSmsValues, 'code' | 'brand' | 'ttlSeconds'>,
): string {
  // Checked here because a Devanagari or other code would defeat autofill and WebOTP.
  if (!/^[0-9]+$/.test(values.code)) throw new Error('the code must be ASCII digits');
  const minutes = ttlMinutes(values.ttlSeconds);
  let text = template;
  if (locale === 'en' && minutes === 1)
    text = text.replace(/\{minutes\} minutes\b/g, '{minutes} minute');
  const substitutes: Record<(typeof OTP_PLACEHOLDERS)[number], string> = {
    code: values.code,
    brand: values.brand,
    minutes: locale === 'ne' ? toDevanagariDigits(String(minutes)) : String(minutes),
  };
  // One pass with a function: a brand holding `{code}` or `$&` is inserted as it is.
  return text.replace(PLACEHOLDER, (_match, name: keyof typeof substitutes) => substitutes[name]);
}

/** The whole SMS: the body, then the app-hash line and, last, the WebOTP line when set. */
export function renderOtpSms(locale: SmsLocale, template: string, values: OtpSmsValues): string {
  const lines = [renderOtpSmsBody(locale, template, values)];
  if (values.androidAppHash) lines.push(values.androidAppHash);
  if (values.webOtpDomain) lines.push(`@${values.webOtpDomain} #${values.code}`);
  return lines.join('\n');
}

function toDevanagariDigits(ascii: string): string {
  return ascii.replace(/[0-9]/g, (digit) =>
    String.fromCharCode(0x0966 + digit.charCodeAt(0) - 0x30),
  );
}
