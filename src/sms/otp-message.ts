/**
 * The verification SMS. One GSM-7 segment: at most 160 septets, and at most 140 bytes when an
 * Android app hash is present (the SMS Retriever API ignores longer messages). The WebOTP line
 * (`@domain #code`) must be the last line for browsers to pick the code up.
 */
export interface OtpMessageOptions {
  brand: string;
  ttlSeconds: number;
  androidAppHash?: string;
  webOtpDomain?: string;
}

export const SMS_MAX_SEPTETS = 160;
export const SMS_RETRIEVER_MAX_BYTES = 140;

export function renderOtpMessage(code: string, options: OtpMessageOptions): string {
  const minutes = Math.max(1, Math.floor(options.ttlSeconds / 60));
  const lines = [
    `${code} is your ${options.brand} verification code. It expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  ];
  if (options.androidAppHash) lines.push(options.androidAppHash);
  if (options.webOtpDomain) lines.push(`@${options.webOtpDomain} #${code}`);
  return lines.join('\n');
}

// GSM 03.38 default alphabet; the extension table's characters cost two septets each.
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (!GSM7_BASIC.includes(char) && !GSM7_EXTENSION.includes(char)) return false;
  }
  return true;
}

export function gsm7Septets(text: string): number {
  let septets = 0;
  for (const char of text) septets += GSM7_EXTENSION.includes(char) ? 2 : 1;
  return septets;
}

/**
 * Why the configured message would not fit one SMS, or an empty list. Checked with the longest
 * code the configuration allows, at boot.
 */
export function otpMessageProblems(codeLength: number, options: OtpMessageOptions): string[] {
  const problems: string[] = [];
  if (!isGsm7(options.brand)) {
    return ['must use only GSM-7 characters (plain Latin letters, digits and common punctuation)'];
  }
  const text = renderOtpMessage('0'.repeat(codeLength), options);
  const septets = gsm7Septets(text);
  if (septets > SMS_MAX_SEPTETS) {
    problems.push(`makes the SMS ${septets} characters long; one SMS holds ${SMS_MAX_SEPTETS}`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (options.androidAppHash && bytes > SMS_RETRIEVER_MAX_BYTES) {
    problems.push(
      `makes the SMS ${bytes} bytes long; with OTP_ANDROID_APP_HASH set it must fit ${SMS_RETRIEVER_MAX_BYTES}`,
    );
  }
  return problems;
}
