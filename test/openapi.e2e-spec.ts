import request from 'supertest';
import { buildOpenApiDocument } from '../tools/openapi-document';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The error codes API.md lists for each route, by status. Authenticated routes also answer
 * 401 UNAUTHENTICATED (API.md, Conventions); that is checked from each route's `security`.
 * A route added to the API without a row here fails the test, and so does a row without a route.
 */
const API_MD_ERRORS: Record<string, Record<number, string[]>> = {
  'POST /v1/auth/register': { 400: ['VALIDATION_FAILED'], 409: ['USERNAME_TAKEN'] },
  'POST /v1/auth/login': { 401: ['INVALID_CREDENTIALS'], 429: ['TOO_MANY_LOGIN_ATTEMPTS'] },
  'POST /v1/auth/refresh': { 401: ['INVALID_REFRESH_TOKEN'] },
  'POST /v1/auth/logout': { 401: ['INVALID_REFRESH_TOKEN'], 429: ['TOO_MANY_REQUESTS'] },
  'GET /v1/users/me': {},
  'DELETE /v1/users/me/phone': {},
  'POST /v1/phone-verifications': {
    400: ['VALIDATION_FAILED', 'INVALID_PHONE'],
    403: ['PHONE_BLOCKED'],
    409: ['PHONE_ALREADY_VERIFIED', 'PHONE_IN_USE'],
    428: ['CHALLENGE_REQUIRED'],
    429: ['RESEND_COOLDOWN', 'SEND_LIMIT_REACHED'],
    502: ['SMS_GATEWAY_ERROR'],
    503: ['SMS_GATEWAY_UNAVAILABLE', 'SMS_BUDGET_EXHAUSTED'],
  },
  'POST /v1/phone-verifications/check': {
    400: ['VALIDATION_FAILED', 'INVALID_PHONE', 'INVALID_CODE'],
    404: ['VERIFICATION_NOT_FOUND'],
    409: ['PHONE_IN_USE'],
    410: ['VERIFICATION_EXPIRED'],
    429: ['TOO_MANY_ATTEMPTS'],
  },
  'GET /v1/phone-verifications/{id}': { 404: ['VERIFICATION_NOT_FOUND'] },
  'DELETE /v1/phone-verifications/{id}': { 404: ['VERIFICATION_NOT_FOUND'] },
  'GET /v1/members/welcome': { 403: ['PHONE_NOT_VERIFIED'] },
  'GET /v1/challenges': { 429: ['TOO_MANY_REQUESTS'] },
  'GET /v1/admin/stats': { 400: ['VALIDATION_FAILED'], 403: ['FORBIDDEN'] },
  'GET /v1/admin/gateways': { 403: ['FORBIDDEN'] },
  'GET /v1/admin/blocks': { 403: ['FORBIDDEN'] },
  'POST /v1/admin/blocks': { 400: ['VALIDATION_FAILED'], 403: ['FORBIDDEN'] },
  'DELETE /v1/admin/blocks/{id}': { 403: ['FORBIDDEN'], 404: ['BLOCK_NOT_FOUND'] },
  'GET /v1/admin/allowlist': { 403: ['FORBIDDEN'] },
  'POST /v1/admin/allowlist': {
    400: ['VALIDATION_FAILED'],
    403: ['FORBIDDEN'],
    409: ['ALREADY_ALLOWLISTED'],
  },
  'DELETE /v1/admin/allowlist/{id}': { 403: ['FORBIDDEN'], 404: ['ALLOWLIST_ENTRY_NOT_FOUND'] },
};

/** Routes anyone may call; every other /v1 route needs the Bearer token. */
const PUBLIC_ROUTES = new Set([
  'POST /v1/auth/register',
  'POST /v1/auth/login',
  'POST /v1/auth/refresh',
  'POST /v1/auth/logout',
  'GET /v1/challenges',
]);

// The OpenAPI document is plain JSON; these are the parts the test reads.
interface Schema {
  $ref?: string;
  type?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  required?: string[];
}
interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value: { status: number; code: string } }>;
}
interface Response {
  description?: string;
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, MediaType>;
}
interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; example?: unknown; schema?: Schema }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

/** `INVALID_CODE` → `InvalidCodeProblem`, the schema of one code's problem document. */
const schemaNameOf = (code: string): string =>
  code
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('') + 'Problem';

/** The codes an error response's schema admits: one `<Code>Problem` reference, or a oneOf of them. */
const problemCodesOf = (schema: Schema | undefined): string[] =>
  (schema?.oneOf ?? (schema ? [schema] : [])).map(({ $ref }) => {
    const name = ($ref ?? '').replace('#/components/schemas/', '');
    return name
      .replace(/Problem$/, '')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase();
  });

describe('OpenAPI document (/docs-json) against API.md', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  const operations: { route: string; operation: Operation }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await request(t.url).get('/docs-json').expect(200)).body;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(methods)) {
        operations.push({ route: `${method.toUpperCase()} ${path}`, operation });
      }
    }
  });
  afterAll(() => t.close());

  const resolve = (schema: Schema): Schema => {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    const found = doc.components.schemas[name];
    if (!found) throw new Error(`unresolved ${schema.$ref}`);
    return found;
  };

  /** Paths to properties (nested objects and arrays included) that have no example. */
  const propertiesWithoutExample = (schema: Schema, at = ''): string[] => {
    const resolved = resolve(schema);
    if (resolved.allOf) return resolved.allOf.flatMap((part) => propertiesWithoutExample(part, at));
    const missing: string[] = [];
    for (const [name, property] of Object.entries(resolved.properties ?? {})) {
      const path = at ? `${at}.${name}` : name;
      const target = property.items ?? property;
      if (target.$ref || target.properties) missing.push(...propertiesWithoutExample(target, path));
      else if (property.example === undefined && !('example' in property)) missing.push(path);
    }
    return missing;
  };

  it('is the document npm run client:generate builds without a database (tools/openapi-document.ts)', async () => {
    expect(JSON.parse(JSON.stringify(await buildOpenApiDocument()))).toEqual(doc);
  });

  it('lists exactly the routes API.md lists', () => {
    expect(operations.map(({ route }) => route).sort()).toEqual(Object.keys(API_MD_ERRORS).sort());
  });

  it('gives every route a summary and one documented 2xx response', () => {
    for (const { route, operation } of operations) {
      expect({ route, summary: operation.summary?.trim() || undefined }).toEqual({
        route,
        summary: expect.any(String),
      });
      const successes = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status));
      expect({ route, successes: successes.length }).toEqual({ route, successes: 1 });
      expect(operation.responses[successes[0]].description).toBeTruthy();
    }
  });

  it('gives every JSON body, request and response, a schema with an example for each field', () => {
    for (const { route, operation } of operations) {
      const bodies: [string, MediaType | undefined][] = [];
      if (operation.requestBody) {
        bodies.push([`${route} request`, operation.requestBody.content['application/json']]);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^2\d\d$/.test(status) && response.content) {
          bodies.push([`${route} ${status}`, response.content['application/json']]);
        }
      }
      for (const [where, media] of bodies) {
        expect({ where, schema: media?.schema !== undefined }).toEqual({ where, schema: true });
        expect({ where, withoutExample: propertiesWithoutExample(media!.schema!) }).toEqual({
          where,
          withoutExample: [],
        });
      }
    }
  });

  it('documents every error code API.md lists as a problem+json example of its status', () => {
    for (const { route, operation } of operations) {
      const expected: Record<number, string[]> = { ...API_MD_ERRORS[route] };
      if (!PUBLIC_ROUTES.has(route)) {
        expected[401] = [...new Set([...(expected[401] ?? []), 'UNAUTHENTICATED'])];
      }
      for (const [status, codes] of Object.entries(expected)) {
        const media = operation.responses[status]?.content?.['application/problem+json'];
        expect({ route, status, schema: problemCodesOf(media?.schema) }).toEqual({
          route,
          status,
          schema: expect.arrayContaining(codes),
        });
        for (const code of codes) {
          expect({ route, status, code, example: media?.examples?.[code]?.value }).toEqual({
            route,
            status,
            code,
            example: expect.objectContaining({ status: Number(status), code }),
          });
        }
      }
    }
  });

  it('gives each error response the schemas of exactly the codes its examples show', () => {
    for (const { route, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const media = response.content?.['application/problem+json'];
        if (Number(status) < 400 || !media) continue;
        expect({ route, status, codes: problemCodesOf(media.schema).sort() }).toEqual({
          route,
          status,
          codes: Object.keys(media.examples ?? {}).sort(),
        });
      }
    }
  });

  it('makes required the members each code always carries', () => {
    const required = (code: string): string[] =>
      doc.components.schemas[schemaNameOf(code)]?.required ?? [];
    expect(required('INVALID_CODE')).toContain('attemptsLeft');
    expect(required('VALIDATION_FAILED')).toContain('errors');
    expect(required('CHALLENGE_REQUIRED')).toContain('challengeUrl');
    for (const { route, operation } of operations) {
      const tooMany = operation.responses['429'];
      if (!tooMany) continue;
      for (const code of problemCodesOf(tooMany.content?.['application/problem+json']?.schema)) {
        expect({ route, code, required: required(code) }).toEqual({
          route,
          code,
          required: expect.arrayContaining(['retryAfterSeconds']),
        });
      }
    }
  });

  it('documents the Retry-After header on every 429', () => {
    for (const { route, operation } of operations) {
      const tooMany = operation.responses['429'];
      if (tooMany)
        expect({ route, header: tooMany.headers?.['Retry-After'] }).toEqual({
          route,
          header: expect.objectContaining({ required: true }),
        });
    }
  });

  it('asks for the Bearer token ("Authorize") on exactly the authenticated routes', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { route, operation } of operations) {
      const security = PUBLIC_ROUTES.has(route) ? undefined : [{ bearer: [] }];
      expect({ route, security: operation.security }).toEqual({ route, security });
    }
  });

  it('describes path parameters with an example', () => {
    for (const { route, operation } of operations) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'path') continue;
        const example = parameter.example ?? parameter.schema?.example;
        expect({ route, parameter: parameter.name, example }).toEqual({
          route,
          parameter: parameter.name,
          example: expect.anything(),
        });
      }
    }
  });
});
