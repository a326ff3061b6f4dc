/**
 * Nepal's mobile ranges: the first three digits of the 10-digit national number, by operator.
 * This table is ours (libphonenumber-js only knows "mobile", not which operator).
 */
export const MOBILE_OPERATOR_PREFIXES = {
  NTC: ['984', '985', '986', '974', '975', '976'],
  NCELL: ['980', '981', '982', '970'],
  SMART: ['961', '962', '988'],
  UTL: ['972'],
} as const satisfies Record<string, readonly string[]>;

export type MobileOperator = keyof typeof MOBILE_OPERATOR_PREFIXES;

export const MOBILE_OPERATORS = Object.keys(MOBILE_OPERATOR_PREFIXES) as MobileOperator[];

export function isMobileOperator(name: string): name is MobileOperator {
  return (MOBILE_OPERATORS as string[]).includes(name);
}

/** The operator owning a 10-digit national number, or undefined for anything outside the table. */
export function operatorOf(nationalNumber: string): MobileOperator | undefined {
  const prefix = nationalNumber.slice(0, 3);
  return MOBILE_OPERATORS.find((operator) =>
    (MOBILE_OPERATOR_PREFIXES[operator] as readonly string[]).includes(prefix),
  );
}
