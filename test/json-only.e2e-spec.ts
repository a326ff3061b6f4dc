import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { registerUser, RegisteredUser, uniqueUsername } from './support/accounts';
import { sendRaw } from './support/raw-http';
import { OpenApiConformance } from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import { uniquePhone } from './support/verification-flow';

/*
 * JSON in (API.md, Conventions): a body in any other media type gets 415, before it is parsed,
 * so an HTML form on another site (form-encoded, multipart or text/plain: the three a browser
 * sends cross-site without asking) cannot reach the API from a visitor's browser.
 */

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('JSON only (real PostgreSQL)', () => {
  let t: TestApp;
  /** Every response of this block, checked against /docs-json by its last test. */
  const conformance = new OpenApiConformance();
  let user: RegisteredUser;
  beforeAll(async () => {
    t = await createTestApp({ recorder: conformance });
    user = await registerUser(t.url);
  });
  afterAll(() => t.close());

  const post = (path: string, contentType: string, body: string, token?: string) =>
    sendRaw(t.url, {
      method: 'POST',
      path,
      headers: [
        ['content-type', contentType],
        ...(token ? [['authorization', `Bearer ${token}`] as [string, string]] : []),
      ],
      body: Buffer.from(body),
    });

  const expect415 = (res: { status: number; headers: Record<string, unknown>; body: Buffer }) => {
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(JSON.parse(res.body.toString())).toEqual({
      type: 'about:blank',
      title: 'Unsupported Media Type',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: 'Send the body as application/json.',
    });
  };

  it('refuses a form-encoded registration, which a plain HTML form on any site can send (was 201)', async () => {
    const username = uniqueUsername('form');
    const res = await post(
      '/v1/auth/register',
      'application/x-www-form-urlencoded',
      `username=${username}&password=long+enough+password`,
    );
    expect415(res);
    const [{ n }] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1)',
      [username],
    );
    expect(n).toBe(0);
  });

  it('refuses a text/plain body that holds JSON, which a form with enctype="text/plain" can send (was 400)', async () => {
    const body = JSON.stringify({ username: uniqueUsername('text'), password: 'long enough pw' });
    expect415(await post('/v1/auth/register', 'text/plain', body));
    expect415(await post('/v1/auth/register', 'text/plain; charset=utf-8', body));
  });

  const bodyRoutes: Array<[string, (u: RegisteredUser) => string, boolean]> = [
    ['/v1/auth/register', () => `username=${uniqueUsername('f')}&password=long+enough+pw`, false],
    ['/v1/auth/login', (u) => `username=${u.username}&password=${u.password}`, false],
    ['/v1/auth/refresh', (u) => `refreshToken=${u.refreshToken}`, false],
    ['/v1/auth/logout', (u) => `refreshToken=${u.refreshToken}`, true],
    ['/v1/phone-verifications', () => `phone=${uniquePhone()}`, true],
    ['/v1/phone-verifications/check', () => `phone=${uniquePhone()}&code=123456`, true],
    // the operator console's forms: refused before the admin guard is asked
    ['/v1/admin/blocks', () => `prefix=981234&reason=test`, true],
    ['/v1/admin/allowlist', () => `prefix=981234&note=test`, true],
  ];

  it.each(bodyRoutes)(
    'answers 415 on %s to every media type but JSON',
    async (path, formBody, authenticated) => {
      const token = authenticated ? user.accessToken : undefined;
      const boundary = '----form7MA4YWxk';
      const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--${boundary}--\r\n`;
      expect415(await post(path, 'application/x-www-form-urlencoded', formBody(user), token));
      expect415(await post(path, `multipart/form-data; boundary=${boundary}`, multipart, token));
      expect415(await post(path, 'text/plain', '{}', token));
      expect415(await post(path, 'application/xml', '<x/>', token));
      expect415(await post(path, 'application/vnd.api+json', '{}', token));
      // a body without a Content-Type
      const bare = await sendRaw(t.url, {
        method: 'POST',
        path,
        headers: token ? [['authorization', `Bearer ${token}`]] : [],
        body: Buffer.from('{}'),
      });
      expect415(bare);
    },
  );

  it('documents the 415 in /docs-json on exactly the operations that take a body', async () => {
    type Operation = { requestBody?: unknown; responses: Record<string, unknown> };
    const document = (await request(t.url).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const withBody = operations.filter(({ operation }) => operation.requestBody !== undefined);
    expect(withBody.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(
      bodyRoutes.map(([path]) => `post ${path}`).sort(),
    );
    for (const { operation } of operations) {
      const documented = operation.responses['415'] as
        { content: Record<string, { examples: Record<string, unknown> }> } | undefined;
      if (operation.requestBody === undefined) expect(documented).toBeUndefined();
      else
        expect(Object.keys(documented!.content['application/problem+json'].examples)).toEqual([
          'UNSUPPORTED_MEDIA_TYPE',
        ]);
    }
  });

  it('accepts JSON with a charset or in other letter cases', async () => {
    const register = (contentType: string) =>
      post(
        '/v1/auth/register',
        contentType,
        JSON.stringify({ username: uniqueUsername('json'), password: 'long enough pw' }),
      );
    expect((await register('application/json')).status).toBe(201);
    expect((await register('application/json; charset=utf-8')).status).toBe(201);
    expect((await register('Application/JSON;charset=UTF-8')).status).toBe(201);
  });

  it('leaves requests without a body alone (GET, DELETE)', async () => {
    await request(t.url)
      .get('/v1/users/me')
      .set('authorization', `Bearer ${user.accessToken}`)
      .set('content-type', 'text/plain')
      .expect(200);
    const deleted = await sendRaw(t.url, {
      method: 'DELETE',
      path: `/v1/phone-verifications/${randomUUID()}`,
      headers: [
        ['authorization', `Bearer ${user.accessToken}`],
        ['content-type', 'application/x-www-form-urlencoded'],
      ],
    });
    expect(deleted.status).toBe(404);
    await request(t.url)
      .delete('/v1/users/me/phone')
      .set('authorization', `Bearer ${user.accessToken}`)
      .expect(204);
  });

  it('answered only what the OpenAPI document (/docs-json) describes', async () => {
    await conformance.expectConformance(t.url, 10);
  });
});
