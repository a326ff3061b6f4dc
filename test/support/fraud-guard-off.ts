/**
 * Test clients all come from 127.0.0.1 (or one TEST-NET /24), and a test file's numbers share a
 * prefix and rarely convert: the fraud guard would take every suite for a pumping attack. Suites
 * that test the guard set these themselves (test/fraud-guard.e2e-spec.ts).
 */
export const FRAUD_GUARD_OFF = {
  FRAUD_CHALLENGE: 'never',
  FRAUD_PREFIX_MIN_SENDS: '1000000',
  SMS_BUDGET_MAX_SHARE_PER_NETWORK: '1',
} as const;
