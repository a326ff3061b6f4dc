import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

const ALLOWED = 'https://wall.example.com';
const OTHER = 'https://evil.example.net';

describe('CORS: only the origins in CORS_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: `${ALLOWED}, https://second.example.com` } });
  });
  afterAll(() => t.close());

  it('lets an allowed origin read responses', async () => {
    const res = await request(t.url).get('/health/live').set('origin', ALLOWED).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('answers an allowed origin’s preflight for an authenticated POST', async () => {
    const res = await request(t.url)
      .options('/v1/phone-verifications')
      .set('origin', ALLOWED)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type');
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
  });

  it('gives any other origin no access-control-allow-origin, simple request or preflight', async () => {
    const simple = await request(t.url).get('/health/live').set('origin', OTHER).expect(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(t.url)
      .options('/v1/phone-verifications')
      .set('origin', OTHER)
      .set('access-control-request-method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows no cross origin at all when CORS_ORIGINS is unset', async () => {
    const sameOriginOnly = await createTestApp({ database: t.database });
    try {
      const res = await request(sameOriginOnly.url).get('/health/live').set('origin', ALLOWED);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await sameOriginOnly.close();
    }
  });
});
