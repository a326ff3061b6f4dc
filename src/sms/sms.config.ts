import type { ConfigCheck } from '../config/app-config';
import { otpMessageProblems } from './otp-message';

const MESSAGE_INPUTS = ['SMS_BRAND', 'OTP_LENGTH', 'OTP_WEBOTP_DOMAIN', 'OTP_ANDROID_APP_HASH'];

/** The verification SMS, with the configured brand and optional lines, fits one SMS. */
export const otpMessageCheck: ConfigCheck = (env, invalid) => {
  if (MESSAGE_INPUTS.some((name) => invalid.has(name))) return [];
  return otpMessageProblems(env.OTP_LENGTH, {
    brand: env.SMS_BRAND,
    ttlSeconds: env.OTP_TTL_SECONDS,
    webOtpDomain: env.OTP_WEBOTP_DOMAIN,
    androidAppHash: env.OTP_ANDROID_APP_HASH,
  }).map((problem) => ({ variable: 'SMS_BRAND', problem }));
};
