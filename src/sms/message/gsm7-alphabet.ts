/**
 * The GSM 7-bit default alphabet and its extension table, as 3GPP TS 23.038 §6.2.1 prints them,
 * indexed by septet value so each row can be read against the standard's table.
 *
 * Only these two tables are used. The national language shift tables of Release 9 (one of them,
 * Hindi, holds Devanagari) are not: Nepali gateways and handsets send Devanagari as UCS-2.
 */

/** Septet 0x1B is not a character: it escapes to the extension table. */
export const GSM7_ESCAPE = 0x1b;

// prettier-ignore
export const GSM7_DEFAULT_ALPHABET: readonly (string | null)[] = [
  // 0x00–0x0F (0x09 is printed as capital Ç in 23.038; small ç is not in the alphabet)
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  // 0x10–0x1F: Greek capitals (U+0394, U+03A9…; not the signs U+2206, U+2126); 0x1B escape
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', null, 'Æ', 'æ', 'ß', 'É',
  // 0x20–0x2F: 0x24 is the currency sign ¤ ($ is 0x02)
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  // 0x30–0x3F
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  // 0x40–0x4F: 0x40 is ¡ (@ is 0x00)
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  // 0x50–0x5F
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  // 0x60–0x6F: 0x60 is ¿ (no backtick)
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  // 0x70–0x7F
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

/**
 * The extension table: each of these is sent as 0x1B followed by its septet, so it costs two.
 * 0x0D (CR2) and 0x1B (SS2) are control codes with no character of their own and are left out.
 */
export const GSM7_EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);
