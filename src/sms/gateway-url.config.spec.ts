import { ConfigurationError } from '../config/app-config';
import { loadConfiguration } from '../configuration';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'j'.repeat(32),
  OTP_HMAC_SECRET: 'o'.repeat(32),
  CHALLENGE_HMAC_SECRET: 'c'.repeat(32),
  SMS_GATEWAY: 'sparrow',
  SPARROW_TOKEN: 'token',
  SPARROW_FROM: 'Demo',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfiguration(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map((p) => p.problem);
    throw error;
  }
  return [];
}

// Found in the review of issue 14: Sparrow was called over plain http by default, and the
// request carries the Sparrow token and every code.
describe('SPARROW_BASE_URL', () => {
  it('defaults to https://api.sparrowsms.com', () => {
    expect(loadConfiguration({}).sms.sparrow.baseUrl).toBe('https://api.sparrowsms.com');
  });

  it.each(['http://api.sparrowsms.com', 'HTTP://api.sparrowsms.com/', 'http://10.0.0.5:8080'])(
    'refuses %s in production',
    (url) => {
      expect(problemsOf({ ...PRODUCTION, SPARROW_BASE_URL: url })).toEqual([
        expect.stringMatching(/^must be https:\/\/ when NODE_ENV=production/),
      ]);
    },
  );

  it.each([
    'https://api.sparrowsms.com',
    'http://127.0.0.1:4010',
    'http://127.9.9.9',
    'http://localhost:4010',
    'http://LOCALHOST',
    'http://[::1]:4010',
  ])('accepts %s in production (https, or plain http to this machine)', (url) => {
    expect(problemsOf({ ...PRODUCTION, SPARROW_BASE_URL: url })).toEqual([]);
  });

  it('holds for AAKASH_BASE_URL too, whose requests carry its token and the codes as well', () => {
    expect(loadConfiguration({}).sms.aakash.baseUrl).toBe('https://sms.aakashsms.com');
    expect(problemsOf({ ...PRODUCTION, AAKASH_BASE_URL: 'http://sms.aakashsms.com' })).toEqual([
      expect.stringMatching(/^must be https:\/\/ when NODE_ENV=production/),
    ]);
    expect(problemsOf({ ...PRODUCTION, AAKASH_BASE_URL: 'http://127.0.0.1:4020' })).toEqual([]);
  });

  it('accepts plain http outside production (tests and development fakes)', () => {
    expect(problemsOf({ SPARROW_BASE_URL: 'http://sparrow-fake.internal' })).toEqual([]);
  });
});
