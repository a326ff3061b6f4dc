import { GSM7_DEFAULT_ALPHABET, GSM7_EXTENSION_TABLE } from './gsm7-alphabet';

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsMeasure {
  /** GSM-7 when every character is in the default alphabet or its extension; UCS-2 otherwise. */
  encoding: SmsEncoding;
  /** GSM-7: septets (an extension character is two). UCS-2: UTF-16 code units (an emoji is two). */
  units: number;
  /** How many SMS the text is sent as, and billed as. */
  segments: number;
}

/**
 * What one SMS holds alone, and per part once concatenated: the 140-octet user data, less the
 * 6-octet concatenation header in each part (160/153 septets, 70/67 UTF-16 units).
 */
export const SMS_UNITS_SINGLE: Readonly<Record<SmsEncoding, number>> = { gsm7: 160, ucs2: 70 };
export const SMS_UNITS_PER_PART: Readonly<Record<SmsEncoding, number>> = { gsm7: 153, ucs2: 67 };

const BASIC = new Set(GSM7_DEFAULT_ALPHABET.filter((char): char is string => char !== null));
const EXTENSION = new Set(GSM7_EXTENSION_TABLE.values());

export function isGsm7(text: string): boolean {
  for (const char of text) if (!BASIC.has(char) && !EXTENSION.has(char)) return false;
  return true;
}

/** Sent as an escape and a septet: two of the 160. */
export function isGsm7ExtensionCharacter(char: string): boolean {
  return EXTENSION.has(char);
}

/** The characters (once each, in order of appearance) that force a text out of GSM-7. */
export function nonGsm7Characters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) if (!BASIC.has(char) && !EXTENSION.has(char)) found.add(char);
  return [...found];
}

/** `’ (U+2019)`: shows which character it is even when it looks like an allowed one. */
export function describeCharacters(chars: readonly string[]): string {
  return chars
    .map((char) => {
      const hex = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      return `${JSON.stringify(char).slice(1, -1)} (U+${hex})`;
    })
    .join(', ');
}

export function measureSms(text: string): SmsMeasure {
  const encoding: SmsEncoding = isGsm7(text) ? 'gsm7' : 'ucs2';
  // Iterating by code point keeps an escape pair or a surrogate pair as one indivisible cost.
  const costs: number[] = [];
  for (const char of text) {
    costs.push(encoding === 'gsm7' ? (EXTENSION.has(char) ? 2 : 1) : char.length);
  }
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  if (units <= SMS_UNITS_SINGLE[encoding]) return { encoding, units, segments: 1 };

  // Filled part by part: a character that does not fit whole starts the next part, so an escape
  // pair or a surrogate pair is never split and that part carries one unit less.
  const perPart = SMS_UNITS_PER_PART[encoding];
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > perPart) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}
