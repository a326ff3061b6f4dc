/**
 * Secrets for a test app that uses a real SMS gateway adapter (against a fake server): with any
 * gateway but `console`, the configuration refuses to start on the published development
 * secrets, whatever NODE_ENV says.
 */
export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-for-real-gateway-adapters-0123456789',
  OTP_HMAC_SECRET: 'test-otp-hmac-secret-for-real-gateway-adapters-0123',
  CHALLENGE_HMAC_SECRET: 'test-challenge-secret-for-real-gateway-adapters-01',
} as const;
