import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { completeProblemDocument } from './common/http/api-problem-response';

/**
 * The OpenAPI document /docs-json serves, built from the controllers' decorators. It needs the
 * application's modules, not a database or a socket: tools/openapi-document.ts builds it from an
 * app in preview mode (`npm run client:generate`).
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Phone verification')
      .setDescription(
        'Verifies a Nepali mobile number (NTC, Ncell) by SMS one-time code. Register or log in, ' +
          'press **Authorize** and paste the `accessToken`, then start a verification and check the code.\n\n' +
          'Every error is an RFC 9457 problem document (`application/problem+json`) whose `code` is stable; ' +
          'every 429 carries `Retry-After`. Each error response lists the codes the route can answer, one schema ' +
          'per code with the members it always carries required: a client generated from this document ' +
          '(openapi-typescript, openapi-generator) can switch over `code` exhaustively.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  completeProblemDocument(document);
  return document;
}
