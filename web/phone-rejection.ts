/**
 * Why the server refused a phone number, read back from its message. The API names the reason
 * only in English prose (`errors[0].message` of INVALID_PHONE), and the page must say it in the
 * person's language. test/web-i18n.spec.ts runs every refusal of the server's parser through
 * this, so the two cannot drift apart unnoticed.
 */

export type PhoneRejectionKind =
  | 'not_a_string'
  | 'empty'
  | 'not_a_phone_number'
  | 'too_short'
  | 'too_long'
  | 'not_nepal'
  | 'not_mobile'
  | 'no_operator';

export type PhoneRejectionReason =
  | { readonly kind: PhoneRejectionKind }
  /** Only some operators' numbers are accepted; their names as the server wrote them. */
  | { readonly kind: 'operators'; readonly operators: readonly string[] };

const BY_WORDING: readonly (readonly [RegExp, PhoneRejectionKind])[] = [
  [/^Send the phone number as text\b/, 'not_a_string'],
  [/^Enter your mobile number\b/, 'empty'],
  [/\busing digits only\b/, 'not_a_phone_number'],
  [/\btoo short\b/, 'too_short'],
  [/\btoo long\b/, 'too_long'],
  [/^Only Nepali mobile numbers\b/, 'not_nepal'],
  [/\bnot a Nepali mobile number\b/, 'not_mobile'],
  [/^No mobile operator is accepted\b/, 'no_operator'],
];

const OPERATORS_ONLY = /^Only (.+) numbers are accepted\.$/;

/** The reason behind the server's message, or undefined for wording this page does not know. */
export function classifyPhoneRejection(message: string): PhoneRejectionReason | undefined {
  for (const [wording, kind] of BY_WORDING) if (wording.test(message)) return { kind };
  const operators = OPERATORS_ONLY.exec(message)?.[1];
  if (operators === undefined) return undefined;
  // "NTC", "NTC and Ncell", "NTC, Ncell and Smart".
  return { kind: 'operators', operators: operators.split(/, | and /) };
}
