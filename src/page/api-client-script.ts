import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { dirname } from 'node:path';

/** Where the page and the dashboard import openapi-fetch from (web/tsconfig.json `paths`). */
export const API_CLIENT_SCRIPTS_PREFIX = '/vendor/openapi-fetch/';

/** openapi-fetch's ES-module build: one file, no imports of its own. */
export const API_CLIENT_SCRIPTS: readonly string[] = ['index.mjs'];

/** The package's dist/ folder, found from the entry `require` resolves (dist/index.cjs). */
export function apiClientScriptsDirectory(): string {
  return dirname(require.resolve('openapi-fetch'));
}

/**
 * Serves openapi-fetch from the installed package under /vendor/openapi-fetch/, the way
 * altcha-lib is served (proof-of-work-scripts.ts): the page's typed client (web/api-client.ts)
 * calls the API through it, with the types `npm run client:generate` writes from /docs-json.
 */
export async function serveApiClientScripts(app: NestFastifyApplication): Promise<void> {
  const served = new Set(API_CLIENT_SCRIPTS.map((file) => `/${file}`));
  await app.register(fastifyStatic, {
    root: apiClientScriptsDirectory(),
    prefix: API_CLIENT_SCRIPTS_PREFIX,
    decorateReply: false,
    index: false,
    allowedPath: (pathname) => served.has(pathname),
    maxAge: 86_400_000,
  });
}
