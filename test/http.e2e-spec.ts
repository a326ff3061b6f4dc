import { once } from 'node:events';
import { connect } from 'node:net';
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

  it('logs the requests refused before any route too, with their status', async () => {
    await request(t.url)
      .post('/v1/auth/login')
      .set('content-type', 'text/plain')
      .set('x-request-id', 'log-line-415')
      .send('hello')
      .expect(415);
    await request(t.url).get('/v1/nowhere').set('x-request-id', 'log-line-404').expect(404);
    const line = (id: string) =>
      t.logs.parsed().find((entry) => (entry.req as { id?: string } | undefined)?.id === id);
    expect(line('log-line-415')).toMatchObject({
      msg: 'request completed',
      res: { statusCode: 415 },
    });
    expect(line('log-line-404')).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', url: '/v1/nowhere' },
      res: { statusCode: 404 },
    });
  });

  it('logs a request whose client left before the answer as aborted', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // a body announced and never finished: the request is read, then its client goes
    socket.write(
      'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: log-line-aborted\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const linesOf = (id: string) =>
      t.logs.parsed().filter((entry) => (entry.req as { id?: string } | undefined)?.id === id);
    // the line is written when Node notices the client gone: wait for it a little
    const written = () => linesOf('log-line-aborted').some((e) => e.msg === 'request aborted');
    for (let tries = 0; tries < 50 && !written(); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(
      linesOf('log-line-aborted').find((entry) => entry.msg === 'request aborted'),
    ).toMatchObject({
      msg: 'request aborted',
      req: { method: 'POST', url: '/v1/auth/login' },
    });
    // the client's leaving is no failure of ours: no error line (it was DATABASE_UNAVAILABLE)
    expect(linesOf('log-line-aborted').map((entry) => [entry.level, entry.msg])).toEqual([
      [30, 'request aborted'],
    ]);
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
