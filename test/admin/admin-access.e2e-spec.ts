import request from 'supertest';
import { registerUser } from '../support/accounts';
import { createTestApp } from '../support/test-app';
import { ADMIN_USERNAME, asUser, ConsoleApp, createConsoleApp } from './support/console-app';

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

const A_UUID = '0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51';
/** A valid body per route, so a refusal can only come from the guard. */
const BODIES: Record<string, object> = {
  'POST /v1/admin/blocks': { phone: '9812345678', reason: 'test' },
  'POST /v1/admin/allowlist': { prefix: '981234', note: 'test' },
};

/** Every route under /v1/admin the OpenAPI document lists, with its path parameters filled in. */
async function adminRoutes(url: string): Promise<Array<[string, string]>> {
  const document = (await request(url).get('/docs-json').expect(200)).body as OpenApiDocument;
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/admin'))
    .flatMap(([path, methods]) =>
      Object.keys(methods).map((method): [string, string] => [
        method.toUpperCase(),
        path.replace(/\{[^}]+\}/g, A_UUID),
      ]),
    );
}

function call(url: string, method: string, path: string, token?: string) {
  let req = request(url)[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
  if (token) req = req.set('authorization', `Bearer ${token}`);
  const body = BODIES[`${method} ${path}`];
  return body ? req.send(body) : req;
}

describe('every /v1/admin route is for admins only', () => {
  let c: ConsoleApp;
  let routes: Array<[string, string]>;
  beforeAll(async () => {
    c = await createConsoleApp();
    routes = await adminRoutes(c.t.url);
  });
  afterAll(() => c?.t.close());

  it('finds the console routes in the OpenAPI document', () => {
    expect(routes.map(([method, path]) => `${method} ${path}`)).toEqual(
      expect.arrayContaining([
        'GET /v1/admin/stats',
        'GET /v1/admin/blocks',
        'POST /v1/admin/blocks',
        `DELETE /v1/admin/blocks/${A_UUID}`,
        'GET /v1/admin/allowlist',
        'POST /v1/admin/allowlist',
        `DELETE /v1/admin/allowlist/${A_UUID}`,
      ]),
    );
  });

  it('answers 401 UNAUTHENTICATED without a token, and with a token that is not valid', async () => {
    for (const [method, path] of routes) {
      for (const token of [undefined, 'not-a-jwt']) {
        const res = await call(c.t.url, method, path, token);
        expect([`${method} ${path}`, res.status, res.body.code]).toEqual([
          `${method} ${path}`,
          401,
          'UNAUTHENTICATED',
        ]);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
  });

  it('answers 403 FORBIDDEN to an account not named in ADMIN_USERNAMES, and changes nothing', async () => {
    for (const [method, path] of routes) {
      const res = await call(c.t.url, method, path, c.member.accessToken);
      expect([`${method} ${path}`, res.status, res.body.code]).toEqual([
        `${method} ${path}`,
        403,
        'FORBIDDEN',
      ]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const admin = asUser(c.t, c.admin);
    expect((await admin.get('/v1/admin/blocks').expect(200)).body).toEqual([]);
    expect((await admin.get('/v1/admin/allowlist').expect(200)).body).toEqual([]);
  });

  it('lets the admin through, whatever the letter case in ADMIN_USERNAMES', async () => {
    expect(c.admin.username).toBe(ADMIN_USERNAME); // registered as Console_Admin, listed lower-case
    for (const [method, path] of routes) {
      const res = await call(c.t.url, method, path, c.admin.accessToken);
      expect([`${method} ${path}`, res.status < 300 || res.status === 404]).toEqual([
        `${method} ${path}`,
        true,
      ]);
    }
  });
});

describe('without ADMIN_USERNAMES nobody is an admin', () => {
  it('answers 403 to every account', async () => {
    const t = await createTestApp();
    try {
      const user = await registerUser(t.url, { username: 'admin' });
      const res = await request(t.url)
        .get('/v1/admin/stats')
        .set('authorization', `Bearer ${user.accessToken}`)
        .expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    } finally {
      await t.close();
    }
  });
});
