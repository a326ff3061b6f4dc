import { SMS_LOCALES, SmsLocale } from '../../config/environment';

// `ne`, `ne-NP;q=0.8`, `en-GB`, `*`: a language range and its optional quality.
const RANGE =
  /^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/;
const MAX_HEADER_LENGTH = 512;

/**
 * The SMS language (API.md, "Language"): the request's own `locale` when given; else the
 * language of SMS_LOCALES that Accept-Language prefers most (by quality, then order); else the
 * configured default. A malformed or oversized header counts as absent.
 */
export function chooseSmsLocale(
  requested: SmsLocale | undefined,
  acceptLanguage: string | undefined,
  fallback: SmsLocale,
): SmsLocale {
  if (requested) return requested;
  if (!acceptLanguage || acceptLanguage.length > MAX_HEADER_LENGTH) return fallback;
  let best: { locale: SmsLocale; quality: number } | undefined;
  for (const part of acceptLanguage.split(',')) {
    const match = RANGE.exec(part);
    if (!match) continue;
    const primary = match[1].split('-')[0].toLowerCase();
    const quality = match[2] === undefined ? 1 : Number(match[2]);
    const locale = SMS_LOCALES.find((candidate) => candidate === primary);
    if (locale && quality > 0 && (!best || quality > best.quality)) best = { locale, quality };
  }
  return best?.locale ?? fallback;
}
