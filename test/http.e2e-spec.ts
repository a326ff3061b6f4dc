import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

describe('HTTP foundation (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness', async () => {
    await request(t.url).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('answers an unknown route with a 404 problem document', async () => {
    const res = await request(t.url).get('/v1/nowhere').expect(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: expect.any(String),
    });
  });

  it('answers malformed JSON with a 400 problem document', async () => {
    const res = await request(t.url)
      .post('/health/live')
      .set('content-type', 'application/json')
      .send('{"phone": ')
      .expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body' }],
    });
  });

  it('answers a 200 kB body with 413', async () => {
    const res = await request(t.url)
      .post('/v1/anything')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(200 * 1024) }))
      .expect(413);
    expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses prototype-pollution keys', async () => {
    const res = await request(t.url)
      .post('/v1/anything')
      .set('content-type', 'application/json')
      .send('{"__proto__": {"admin": true}}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await request(t.url).get('/health/live').set('x-request-id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(t.url)
      .get('/health/live')
      .set('x-request-id', '<script>alert(1)</script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one JSON line per request with its id, and no headers', async () => {
    await request(t.url)
      .get('/health/live')
      .set('x-request-id', 'log-line-check')
      .set('authorization', 'Bearer secret-xyz');
    const line = t.logs
      .parsed()
      .find((entry) => (entry.req as { id?: string } | undefined)?.id === 'log-line-check');
    expect(line).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });
    expect(t.logs.text()).not.toContain('secret-xyz');
  });

  it('sends security headers and no x-powered-by', async () => {
    const res = await request(t.url).get('/health/live');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await request(t.url).get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(json.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const ui = await request(t.url).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
