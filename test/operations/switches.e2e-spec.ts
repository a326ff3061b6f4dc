import request from 'supertest';
import { createTestApp, TestApp } from '../support/test-app';

/** Issue 21: DOCS_ENABLED and SIGNUP_PAGE_ENABLED, for deployments that expose only the API. */
describe('DOCS_ENABLED and SIGNUP_PAGE_ENABLED', () => {
  const PAGE_PATHS = ['/', '/css/page.css'];
  const DOCS_PATHS = ['/docs', '/docs-json'];

  async function expectNotFound(app: TestApp, path: string): Promise<void> {
    const res = await request(app.url).get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  }

  async function expectServed(app: TestApp, path: string): Promise<void> {
    const res = await request(app.url).get(path).redirects(1);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
  }

  it('both are served by default', async () => {
    const app = await createTestApp();
    try {
      for (const path of [...PAGE_PATHS, ...DOCS_PATHS]) await expectServed(app, path);
    } finally {
      await app.close();
    }
  });

  it('DOCS_ENABLED=false answers 404 NOT_FOUND on /docs and /docs-json; the page and the API still serve', async () => {
    const app = await createTestApp({ env: { DOCS_ENABLED: 'false' } });
    try {
      for (const path of DOCS_PATHS) await expectNotFound(app, path);
      await expectNotFound(app, '/docs/swagger-ui.css');
      for (const path of PAGE_PATHS) await expectServed(app, path);
      await expectServed(app, '/health/live');
    } finally {
      await app.close();
    }
  });

  it('SIGNUP_PAGE_ENABLED=false answers 404 NOT_FOUND on / and the page’s entry files; the docs, the dashboard and the API still serve', async () => {
    const app = await createTestApp({ env: { SIGNUP_PAGE_ENABLED: 'false' } });
    try {
      for (const path of [...PAGE_PATHS, '/js/main.js', '/index.html']) {
        await expectNotFound(app, path);
      }
      // the operator dashboard keeps its page and styles
      for (const path of ['/admin', '/css/admin.css']) await expectServed(app, path);
      for (const path of DOCS_PATHS) await expectServed(app, path);
      await expectServed(app, '/health/live');
    } finally {
      await app.close();
    }
  });
});
