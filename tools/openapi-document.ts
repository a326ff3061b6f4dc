// The OpenAPI document /docs-json serves, built from the application's modules in Nest's preview
// mode: no database, no socket, no configuration beyond the development defaults. Run it with the
// SWC hook (decorator metadata, like `npm start`):
//   node -r ./tools/swc-register.js tools/openapi-document.ts > openapi.json
// `npm run client:generate` (tools/client-generate.ts) builds the web client's types from it.
import 'reflect-metadata';
import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../src/app.module';
import { createHttpAdapter } from '../src/app.setup';
import { createOpenApiDocument } from '../src/openapi';

export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule, createHttpAdapter(), {
    preview: true, // modules and routes, no provider instantiated: nothing connects anywhere
    logger: false,
  });
  try {
    app.enableVersioning({ type: VersioningType.URI }); // as configureApp does
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  buildOpenApiDocument()
    .then((document) => process.stdout.write(`${JSON.stringify(document, null, 2)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
