/**
 * What a block or an allowlist entry applies to: one number (E.164, `+9779812345678`) or one
 * prefix, the first six digits of the ten-digit national number (`981234`).
 */
export type PhoneTarget = { readonly phone: string } | { readonly prefix: string };

const NEPAL_E164 = /^\+977(\d{10})$/;
export const PREFIX_PATTERN = /^9\d{5}$/;

/** The prefix of a Nepali E.164 number (`+9779812345678` → `981234`), or undefined. */
export function prefixOf(e164: string): string | undefined {
  return NEPAL_E164.exec(e164)?.[1].slice(0, 6);
}

export function isNepalE164(value: string): boolean {
  return NEPAL_E164.test(value);
}
