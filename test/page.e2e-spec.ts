import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ensureWebBuilt } from './browser/support/web-build';
import { createTestApp, TestApp } from './support/test-app';

describe('The sign-up wall page is served at / from public/', () => {
  let t: TestApp;
  beforeAll(async () => {
    await ensureWebBuilt();
    // Not the default length, so the page can only show it by reading the configuration.
    t = await createTestApp({ env: { OTP_LENGTH: '8' } });
  });
  afterAll(() => t.close());

  it('serves index.html with the configured code length filled in', async () => {
    const res = await request(t.url).get('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).not.toContain('__CODE_LENGTH__');
    expect(res.text).toContain('maxlength="8"');
    expect(res.text).toContain('pattern="[0-9०-९]{8}"');
    expect(res.text).toContain('minlength="8"');
    // The page's texts come from web/i18n/ (in the person's language), not from the HTML.
    expect(res.text).toContain('data-i18n="phone.heading"');
  });

  it('sends the strict CSP with it, which the page needs nothing beyond', async () => {
    const res = await request(t.url).get('/').expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    // No inline script, no inline handler, nothing from another origin.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\son[a-z]+\s*=/i);
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the stylesheet and the compiled scripts', async () => {
    const css = await request(t.url).get('/css/page.css').expect(200);
    expect(css.headers['content-type']).toContain('text/css');
    const js = await request(t.url).get('/js/main.js').expect(200);
    expect(js.headers['content-type']).toContain('javascript');
    await request(t.url).get('/js/steps/code-step.js').expect(200);
  });

  it('serves openapi-fetch, which the compiled client imports, as an ES module and nothing else of its package', async () => {
    const client = readFileSync(join(__dirname, '..', 'public', 'js', 'api-client.js'), 'utf8');
    expect(client).toContain("from '/vendor/openapi-fetch/index.mjs'");
    const script = await request(t.url).get('/vendor/openapi-fetch/index.mjs').expect(200);
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(script.text).toContain('function createClient');
    await request(t.url).get('/vendor/openapi-fetch/index.cjs').expect(404);
    await request(t.url).get('/vendor/openapi-fetch/package.json').expect(404);
  });

  it('never serves the raw template, and unknown paths stay problem+json 404s', async () => {
    const raw = await request(t.url).get('/index.html').expect(404);
    expect(raw.headers['content-type']).toContain('application/problem+json');
    const missing = await request(t.url).get('/js/nothing-here.js').expect(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const api = await request(t.url).get('/v1/nowhere').expect(404);
    expect(api.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  // Found in the review of issue 14: the page's scripts came with their source maps, sources
  // inlined, served to anyone.
  describe('source maps', () => {
    const ROOT = join(__dirname, '..');
    const JS = join(ROOT, 'public', 'js');
    const PROBE = join(JS, 'source-map-probe.js.map');
    afterAll(() => rmSync(PROBE, { force: true }));

    it('are never served, even one left over in public/js (was 200)', async () => {
      writeFileSync(PROBE, '{"version":3,"sources":["probe.ts"],"mappings":""}');
      const res = await request(t.url).get('/js/source-map-probe.js.map').expect(404);
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      await request(t.url).get('/js/main.js.map').expect(404);
    });

    it('are not written by the build of the page, and no script points to one', () => {
      const { compilerOptions } = JSON.parse(
        readFileSync(join(ROOT, 'web', 'tsconfig.json'), 'utf8'),
      ) as { compilerOptions: Record<string, unknown> };
      expect(compilerOptions.sourceMap).not.toBe(true);
      expect(compilerOptions.inlineSourceMap).not.toBe(true);
      expect(compilerOptions.inlineSources).not.toBe(true);
      const scripts = (readdirSync(JS, { recursive: true }) as string[]).filter((file) =>
        file.endsWith('.js'),
      );
      expect(scripts).toContain('main.js');
      for (const file of scripts) {
        expect(readFileSync(join(JS, file), 'utf8')).not.toContain('sourceMappingURL');
      }
    });
  });

  it('keeps Swagger UI working beside it', async () => {
    const ui = await request(t.url).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
    await request(t.url).get('/docs/swagger-ui-init.js').expect(200);
  });
});
