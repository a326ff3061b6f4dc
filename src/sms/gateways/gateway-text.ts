import type { SmsMessage } from './sms-gateway';

const NEPAL_E164 = /^\+977(\d{10})$/;

/** `+9779812345678` → `9812345678`, the form Nepali gateways take; undefined outside Nepal. */
export function nepalNationalNumber(e164: string): string | undefined {
  return NEPAL_E164.exec(e164)?.[1];
}

/**
 * What must never appear in a log line or a stored text for one send: the gateway token, the
 * message text, the number (whole and national), and every run of 4+ digits of the text (the code
 * on its own), should the gateway echo any of them back.
 */
export function secretsOf(message: SmsMessage, token: string): string[] {
  const national = nepalNationalNumber(message.to);
  return [
    token,
    message.text,
    message.to,
    ...(national ? [national] : []),
    ...(message.text.match(/\d{4,}/g) ?? []),
  ];
}

/**
 * A text field of a gateway's answer, fit to log and store: shortened, with every secret cut out
 * ("Invalid Token <token>" becomes "Invalid Token [redacted]"). Longest secrets first, so a code
 * inside the text does not break the text's own redaction.
 */
export function gatewayText(value: unknown, secrets: readonly string[]): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let text = String(value);
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) text = text.split(secret).join('[redacted]');
  }
  return text.slice(0, 200);
}
