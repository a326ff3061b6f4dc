import { ExecutionContext, NotFoundException } from '@nestjs/common';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { loadConfiguration } from '../configuration';
import { MetricsTokenGuard } from './metrics-token.guard';

const TOKEN = 'a-metrics-token-for-the-tests';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-jwt-secret-of-enough-length',
  OTP_HMAC_SECRET: 'a-production-otp-hmac-secret-of-enough-length',
  CHALLENGE_HMAC_SECRET: 'a-production-challenge-secret-of-enough-length',
  SMS_GATEWAY: 'sparrow',
  SPARROW_TOKEN: 'sparrow-token',
  SPARROW_FROM: 'Example',
};

function requestWith(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

const guard = (env: Record<string, string>): MetricsTokenGuard =>
  new MetricsTokenGuard(loadConfiguration(env));

describe('who may scrape /metrics', () => {
  it('with METRICS_TOKEN: exactly that Bearer token', () => {
    const withToken = guard({ METRICS_TOKEN: TOKEN });
    expect(withToken.canActivate(requestWith(`Bearer ${TOKEN}`))).toBe(true);
    expect(withToken.canActivate(requestWith(`bearer ${TOKEN}`))).toBe(true);
    for (const header of [
      undefined,
      '',
      TOKEN,
      `Bearer ${TOKEN} `,
      `Bearer ${TOKEN.slice(1)}`,
      `Basic ${TOKEN}`,
    ]) {
      expect(() => withToken.canActivate(requestWith(header))).toThrow(UnauthenticatedError);
    }
  });

  it('without one: open in development, absent (404) in production', () => {
    expect(guard({}).canActivate(requestWith())).toBe(true);
    expect(() => guard(PRODUCTION).canActivate(requestWith(`Bearer ${TOKEN}`))).toThrow(
      NotFoundException,
    );
  });

  it('refuses a token shorter than 16 characters at start-up', () => {
    expect(() => loadConfiguration({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 16/,
    );
    expect(() => loadConfiguration({ METRICS_TOKEN: 'short' })).not.toThrow(/short/);
  });
});
