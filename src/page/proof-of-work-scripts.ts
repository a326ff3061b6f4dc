import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { dirname, join } from 'node:path';

/** Where the page's module worker and solver import altcha-lib from. */
export const PROOF_OF_WORK_SCRIPTS_PREFIX = '/vendor/altcha/';

/**
 * The browser half of altcha-lib: the solver, its helpers and the Web Crypto PBKDF2 a worker
 * derives keys with. Nothing else of the package is served (its Node and server files stay here).
 */
export const PROOF_OF_WORK_SCRIPTS: readonly string[] = [
  'pow.js',
  'helpers.js',
  'types.js',
  'algorithms/web/pbkdf2.js',
  'workers/shared.js',
];

/** altcha-lib's ES-module build, found from the entry `require` resolves (dist/cjs/v2/index.js). */
export function proofOfWorkScriptsDirectory(): string {
  return join(dirname(require.resolve('altcha-lib')), '..', '..', 'esm', 'v2');
}

/**
 * Serves those files from the installed package under /vendor/altcha/, so the page solves
 * challenges with the very version that creates and verifies them (no CDN: the CSP allows
 * scripts and workers from this origin only).
 */
export async function serveProofOfWorkScripts(app: NestFastifyApplication): Promise<void> {
  const served = new Set(PROOF_OF_WORK_SCRIPTS.map((file) => `/${file}`));
  await app.register(fastifyStatic, {
    root: proofOfWorkScriptsDirectory(),
    prefix: PROOF_OF_WORK_SCRIPTS_PREFIX,
    decorateReply: false,
    index: false,
    allowedPath: (pathname) => served.has(pathname),
    maxAge: 86_400_000,
  });
}
