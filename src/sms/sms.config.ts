import type { ConfigCheck } from '../config/app-config';
import { SMS_LOCALES } from '../config/environment';
import { DEFAULT_OTP_TEMPLATES } from './message/otp-templates';
import { templateProblems } from './message/template-bounds';
import { TestNumbers } from './routing/test-numbers';

const MESSAGE_INPUTS = [
  'SMS_BRAND',
  'OTP_LENGTH',
  'OTP_TTL_SECONDS',
  'OTP_WEBOTP_DOMAIN',
  'OTP_ANDROID_APP_HASH',
  'SMS_TEMPLATE_EN',
  'SMS_TEMPLATE_NE',
];

/** The verification SMS in every language fits its bounds with the configured brand and lines. */
export const otpMessageCheck: ConfigCheck = (env, invalid) => {
  if (MESSAGE_INPUTS.some((name) => invalid.has(name))) return [];
  const configured = { en: env.SMS_TEMPLATE_EN, ne: env.SMS_TEMPLATE_NE };
  return SMS_LOCALES.flatMap((locale) =>
    templateProblems(locale, configured[locale] ?? DEFAULT_OTP_TEMPLATES[locale], {
      brand: env.SMS_BRAND,
      codeLength: env.OTP_LENGTH,
      ttlSeconds: env.OTP_TTL_SECONDS,
      androidAppHash: env.OTP_ANDROID_APP_HASH,
      webOtpDomain: env.OTP_WEBOTP_DOMAIN,
    }),
  );
};

/** TEST_PHONE_NUMBERS parses, and is refused in production unless explicitly allowed. */
export const testNumbersCheck: ConfigCheck = (env, invalid) => {
  const variable = 'TEST_PHONE_NUMBERS';
  if (!env.TEST_PHONE_NUMBERS || invalid.has(variable) || invalid.has('OTP_LENGTH')) return [];
  const { problems } = TestNumbers.parse(env.TEST_PHONE_NUMBERS, env.OTP_LENGTH);
  if (env.NODE_ENV === 'production' && !env.ALLOW_TEST_PHONE_NUMBERS_IN_PRODUCTION) {
    problems.push(
      'is refused when NODE_ENV=production (fixed codes bypass the SMS): set ALLOW_TEST_PHONE_NUMBERS_IN_PRODUCTION=true if you mean it',
    );
  }
  return problems.map((problem) => ({ variable, problem }));
};
