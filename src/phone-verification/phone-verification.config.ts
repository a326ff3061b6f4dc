import { ConfigCheck, problemWith, splitList } from '../config/app-config';
import { isMobileOperator, MOBILE_OPERATORS } from './phone-number/mobile-operators';

/** PHONE_ALLOWED_OPERATORS names only operators this module knows, and at least one. */
export const allowedOperatorsCheck: ConfigCheck = (env, invalid) => {
  const variable = 'PHONE_ALLOWED_OPERATORS';
  if (invalid.has(variable)) return [];
  const operators = splitList(env.PHONE_ALLOWED_OPERATORS).map((o) => o.toUpperCase());
  if (operators.length > 0 && operators.every(isMobileOperator)) return [];
  return [
    problemWith(
      variable,
      `must list operators from ${MOBILE_OPERATORS.join(', ')}`,
      env.PHONE_ALLOWED_OPERATORS,
    ),
  ];
};
