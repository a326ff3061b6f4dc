import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { SmsLocale } from '../config/environment';
import { DEFAULT_OTP_TEMPLATES, renderOtpSms } from './message/otp-templates';
import { measureSms, SmsEncoding } from './message/sms-encoding';

/** The verification SMS for one code, and what it costs (the delivery log records both). */
export interface OtpSmsText {
  text: string;
  encoding: SmsEncoding;
  segments: number;
}

/** Renders the configured verification SMS in a language; start-up already checked it fits. */
@Injectable()
export class OtpSms {
  constructor(private readonly config: AppConfig) {}

  compose(locale: SmsLocale, code: string): OtpSmsText {
    const { brand, templates, androidAppHash, webOtpDomain } = this.config.sms;
    const text = renderOtpSms(locale, templates[locale] ?? DEFAULT_OTP_TEMPLATES[locale], {
      code,
      brand,
      ttlSeconds: this.config.otp.ttlSeconds,
      androidAppHash,
      webOtpDomain,
    });
    const { encoding, segments } = measureSms(text);
    return { text, encoding, segments };
  }
}
