import 'reflect-metadata';
import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { createHttpAdapter } from '../src/app.setup';
import { createOpenApiDocument } from '../src/openapi';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, createHttpAdapter(), {
    preview: true,
    logger: false,
  });
  app.enableVersioning({ type: VersioningType.URI });
  const document = createOpenApiDocument(app);
  process.stdout.write(JSON.stringify(document, null, 2));
  await app.close();
}
void main();
