import {
  DEFAULT_OTP_TEMPLATES,
  OtpSmsValues,
  renderOtpSms,
  renderOtpSmsBody,
  SmsLocale,
  unknownPlaceholders,
} from './otp-templates';
import {
  describeCharacters,
  isGsm7ExtensionCharacter,
  measureSms,
  nonGsm7Characters,
  SMS_UNITS_PER_PART,
  SMS_UNITS_SINGLE,
} from './sms-encoding';

/** The SMS Retriever API (Android) ignores a message longer than this. */
export const SMS_RETRIEVER_MAX_BYTES = 140;

/**
 * API.md's bounds, in SMS: English is one GSM-7 SMS, lines included; Nepali is one SMS without
 * the app-hash and WebOTP lines and two with them (for UCS-2: 70 and 134 UTF-16 units).
 */
export const SMS_BOUNDS = { en: 1, neBody: 1, neWithLines: 2 } as const;

export interface TemplateBoundsConfig {
  brand: string;
  /** OTP_LENGTH: the longest code the configuration sends (digits all cost the same). */
  codeLength: number;
  ttlSeconds: number;
  androidAppHash?: string;
  webOtpDomain?: string;
}

/** The configuration's problem shape: shown as `VARIABLE: problem`. */
export interface TemplateProblem {
  variable: string;
  problem: string;
}

const LANGUAGE: Readonly<Record<SmsLocale, string>> = { en: 'English', ne: 'Nepali' };

export function templateVariable(locale: SmsLocale): string {
  return `SMS_TEMPLATE_${locale.toUpperCase()}`;
}

/**
 * Why `template` would not fit API.md's bounds, or an empty list; checked at start-up for each
 * locale. A problem caused by the built-in text's length is laid on SMS_BRAND, the value the
 * operator chose; one in a configured template on SMS_TEMPLATE_<LOCALE>.
 */
export function templateProblems(
  locale: SmsLocale,
  template: string,
  config: TemplateBoundsConfig,
): TemplateProblem[] {
  const templateVar = templateVariable(locale);
  const problems: TemplateProblem[] = [];
  if (!template.includes('{code}')) {
    problems.push({ variable: templateVar, problem: 'must contain {code}, where the code goes' });
  }
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    problems.push({
      variable: templateVar,
      problem: `has unknown placeholder${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; the placeholders are {code}, {brand} and {minutes}`,
    });
  }
  if (locale === 'en') {
    const notGsm7 = englishCharacterProblems(templateVar, template, config);
    // Measured in UCS-2 the lengths would only confuse: the characters are the thing to fix.
    if (notGsm7.length > 0) return [...problems, ...notGsm7];
  }

  const builtIn = template === DEFAULT_OTP_TEMPLATES[locale];
  const variable = builtIn ? 'SMS_BRAND' : templateVar;
  const subject =
    `with SMS_BRAND ${JSON.stringify(config.brand)}, OTP_LENGTH ${config.codeLength} and ` +
    `OTP_TTL_SECONDS ${config.ttlSeconds}, the ${LANGUAGE[locale]} SMS ` +
    `(${builtIn ? 'built-in text' : templateVar})`;
  const values: OtpSmsValues = { ...config, code: '0'.repeat(config.codeLength) };
  const lines = [
    ...(config.androidAppHash ? ['OTP_ANDROID_APP_HASH'] : []),
    ...(config.webOtpDomain ? ['OTP_WEBOTP_DOMAIN'] : []),
  ];
  const withLines =
    lines.length === 0 ? '' : ` with the ${lines.join(' and ')} line${lines.length > 1 ? 's' : ''}`;

  if (locale === 'en') {
    const text = renderOtpSms(locale, template, values);
    const tooLong = lengthProblem(text, SMS_BOUNDS.en);
    if (tooLong) problems.push({ variable, problem: `${subject}${withLines} ${tooLong}` });
    const bytes = Buffer.byteLength(text, 'utf8');
    if (config.androidAppHash && bytes > SMS_RETRIEVER_MAX_BYTES) {
      problems.push({
        variable,
        problem: `${subject}${withLines} is ${bytes} bytes (UTF-8); with OTP_ANDROID_APP_HASH set the SMS Retriever reads at most ${SMS_RETRIEVER_MAX_BYTES} (${bytes - SMS_RETRIEVER_MAX_BYTES} too many)`,
      });
    }
    return problems;
  }

  const body = lengthProblem(renderOtpSmsBody(locale, template, values), SMS_BOUNDS.neBody);
  if (body) {
    problems.push({
      variable,
      problem: `${subject} without the app-hash and WebOTP lines ${body}`,
    });
  }
  if (lines.length > 0) {
    const whole = lengthProblem(renderOtpSms(locale, template, values), SMS_BOUNDS.neWithLines);
    if (whole) problems.push({ variable, problem: `${subject}${withLines} ${whole}` });
  }
  return problems;
}

function englishCharacterProblems(
  templateVar: string,
  template: string,
  config: TemplateBoundsConfig,
): TemplateProblem[] {
  const inputs: [string, string | undefined][] = [
    [templateVar, template],
    ['SMS_BRAND', config.brand],
    ['OTP_ANDROID_APP_HASH', config.androidAppHash],
    ['OTP_WEBOTP_DOMAIN', config.webOtpDomain],
  ];
  const problems: TemplateProblem[] = [];
  for (const [variable, text] of inputs) {
    const outside = nonGsm7Characters(text ?? '');
    if (outside.length === 0) continue;
    problems.push({
      variable,
      problem: `has characters outside GSM-7: ${describeCharacters(outside)}; the English SMS must be one GSM-7 SMS, and any of these would send it as UCS-2`,
    });
  }
  return problems;
}

/** `is 78 UTF-16 units; one UCS-2 SMS holds 70 (8 too many)`, or undefined when it fits. */
function lengthProblem(text: string, allowedSegments: number): string | undefined {
  const measure = measureSms(text);
  if (measure.segments <= allowedSegments) return undefined;
  const { encoding, units } = measure;
  const capacity =
    allowedSegments === 1
      ? SMS_UNITS_SINGLE[encoding]
      : SMS_UNITS_PER_PART[encoding] * allowedSegments;
  const unitName = encoding === 'gsm7' ? 'GSM-7 characters' : 'UTF-16 units';
  const escapes = encoding === 'gsm7' && [...text].some(isGsm7ExtensionCharacter);
  const counting = escapes ? ' (each of € [ ] { } | ^ ~ \\ counts two)' : '';
  const count =
    allowedSegments === 1 ? 'one' : allowedSegments === 2 ? 'two' : String(allowedSegments);
  const holds = `${count} ${encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'} SMS ${allowedSegments === 1 ? 'holds' : 'hold'} ${capacity}`;
  const over = units - capacity;
  if (over > 0) return `is ${units} ${unitName}${counting}; ${holds} (${over} too many)`;
  // Fits by count, but a two-unit character would straddle a part boundary and cannot be split.
  return `is ${units} ${unitName} but needs ${measure.segments} SMS, because a two-unit character cannot be split across parts; ${holds}`;
}
