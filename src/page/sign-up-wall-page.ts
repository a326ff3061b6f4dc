import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { serveApiClientScripts } from './api-client-script';
import { serveProofOfWorkScripts } from './proof-of-work-scripts';

/** The placeholder public/index.html carries wherever the page needs the one-time code's length. */
const CODE_LENGTH_PLACEHOLDER = /__CODE_LENGTH__/g;

/**
 * The page's folder. Found by walking up to the package root, so it is the same folder whether
 * this file runs from `src/` (jest) or from `dist/src/` (after `nest build`).
 */
export function findPublicDirectory(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'public', 'index.html'))) {
      return join(dir, 'public');
    }
    if (dirname(dir) === dir) {
      throw new Error(
        `public/index.html was not found above ${start}: the sign-up wall page is missing`,
      );
    }
  }
}

/** index.html with the code length filled in (OTP_LENGTH is configuration, the HTML is static). */
export function renderIndexHtml(template: string, codeLength: number): string {
  return template.replace(CODE_LENGTH_PLACEHOLDER, String(codeLength));
}

/**
 * The page's own entry files. Switched off, these answer 404 like `GET /`; the other files of
 * public/ stay served, since the operator dashboard (/admin) loads its own and some shared ones.
 */
const PAGE_ENTRY_FILES = new Set(['/css/page.css', '/js/main.js']);

/**
 * Serves the files of public/ (CSS, and the JS `npm run build:web` compiles into public/js) as
 * they are, by @fastify/static, source maps excepted; and, when `signUpPage` is on, the sign-up
 * wall page: `GET /` is index.html with the code length filled in. Off (SIGNUP_PAGE_ENABLED=false),
 * `/` and the page's entry files answer 404 NOT_FOUND.
 */
export async function serveSignUpWallPage(
  app: NestFastifyApplication,
  codeLength: number,
  signUpPage = true,
): Promise<void> {
  const root = findPublicDirectory();
  const indexHtml = renderIndexHtml(readFileSync(join(root, 'index.html'), 'utf8'), codeLength);

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Swagger registers @fastify/static too; only one plugin may decorate the reply.
    decorateReply: false,
    index: false,
    // The raw template is only ever sent through GET / (with its placeholders filled in); source
    // maps are never sent, even one a development build left behind.
    allowedPath: (pathname) =>
      pathname !== '/index.html' &&
      !pathname.endsWith('.map') &&
      (signUpPage || !PAGE_ENTRY_FILES.has(pathname)),
  });
  await serveProofOfWorkScripts(app);
  await serveApiClientScripts(app);
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', (_request, reply) => {
      // off: the same 404 as any unknown path (the static plugin would answer / itself)
      if (!signUpPage) return reply.callNotFound();
      void reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(indexHtml);
    });
}
