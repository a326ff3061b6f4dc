import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';

/**
 * Holds the service to its OpenAPI document: every response an e2e spec's app sends is recorded
 * (a Fastify onSend hook, so whatever client the spec uses) and validated against the document
 * the same app serves at /docs-json: the route and status must be documented, the body must
 * match the media type's schema (Ajv), the documented required headers must be there and valid,
 * and a Retry-After must not appear where the document says none comes. A request the service
 * accepted (2xx) must also match the request body's schema: a document stricter than the service
 * would make generated clients refuse what works.
 *
 * Use: `const conformance = new OpenApiConformance()`, `createTestApp({ recorder: conformance })`,
 * and as the spec's last test `await conformance.expectConformance(t.url)`.
 */

export interface Exchange {
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The response body as sent (a string for JSON), undefined when empty. */
  readonly payload: string | undefined;
  /** The request body as Fastify parsed it. */
  readonly requestBody: unknown;
}

// The parts of an OpenAPI 3.0 document this reads.
interface Schema {
  [keyword: string]: unknown;
}
interface Header {
  required?: boolean;
  schema?: Schema;
}
interface Response {
  headers?: Record<string, Header>;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface ConformanceReport {
  /** Responses checked against the document. */
  readonly validated: number;
  /** Responses to paths the document does not describe (/docs, the page, unknown paths). */
  readonly outside: number;
  /** One line per violation, naming the exchange. */
  readonly failures: readonly string[];
}

const DOCUMENTED_PREFIXES = ['/v1/', '/health/'];

export class OpenApiConformance {
  readonly exchanges: Exchange[] = [];

  /** Records every response `app` sends from now on (call before it listens). */
  attach(app: NestFastifyApplication): void {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onSend', (req, reply, payload, done) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          headers[name.toLowerCase()] = value === undefined ? undefined : String(value);
        }
        this.exchanges.push({
          method: req.method,
          path: req.url.split('?')[0],
          status: reply.statusCode,
          headers,
          payload: typeof payload === 'string' && payload !== '' ? payload : undefined,
          requestBody: req.body,
        });
        done(null, payload);
      });
  }

  /** Checks the recorded exchanges against the document `url` serves at /docs-json. */
  async check(url: string): Promise<ConformanceReport> {
    const recorded = this.exchanges.length; // the /docs-json request below is not one of them
    const document = (await request(url).get('/docs-json').expect(200)).body as OpenApiDocument;
    return checkExchanges(document, this.exchanges.slice(0, recorded));
  }

  /** The spec's last test: no violation, and at least `minimum` responses validated. */
  async expectConformance(url: string, minimum = 1): Promise<ConformanceReport> {
    const report = await this.check(url);
    console.log(
      `OpenAPI conformance: ${report.validated} responses validated against /docs-json ` +
        `(${report.outside} outside the documented paths), ${report.failures.length} failures`,
    );
    expect(report.failures).toEqual([]);
    expect(report.validated).toBeGreaterThanOrEqual(minimum);
    return report;
  }
}

/** Validates `exchanges` against `document`: the core of the check, usable on any document. */
export function checkExchanges(
  document: OpenApiDocument,
  exchanges: readonly Exchange[],
): ConformanceReport {
  const validator = new DocumentValidator(document);
  const failures: string[] = [];
  let validated = 0;
  let outside = 0;
  for (const exchange of exchanges) {
    if (!DOCUMENTED_PREFIXES.some((prefix) => exchange.path.startsWith(prefix))) {
      outside++;
      continue;
    }
    validated++;
    const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    failures.push(...validator.violations(exchange).map((violation) => `${where}: ${violation}`));
  }
  return { validated, outside, failures };
}

class DocumentValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<Schema, ValidateFunction>();
  private readonly routes: { method: string; pattern: RegExp; operation: Operation }[];

  constructor(private readonly document: OpenApiDocument) {
    // OpenAPI 3.0 schemas: `nullable` is Ajv's own keyword; `example` and the like are ignored.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('password', true);
    this.routes = Object.entries(document.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method: method.toUpperCase(),
          templated: path.includes('{'),
          pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
          operation,
        })),
      )
      // a literal path (/check) before a template ({id}) that would also match it
      .sort((a, b) => Number(a.templated) - Number(b.templated));
  }

  violations(exchange: Exchange): string[] {
    const route = this.routes.find(
      ({ method, pattern }) => method === exchange.method && pattern.test(exchange.path),
    );
    if (!route) return ['no such operation in the document'];
    const response = route.operation.responses[String(exchange.status)];
    if (!response) {
      return [`status ${exchange.status} is not documented for this operation${codeOf(exchange)}`];
    }
    return [
      ...this.headerViolations(response, exchange),
      ...this.bodyViolations(response, exchange),
      ...(exchange.status < 300 ? this.requestViolations(route.operation, exchange) : []),
    ];
  }

  private headerViolations(response: Response, exchange: Exchange): string[] {
    const problems: string[] = [];
    const documented = new Map(
      Object.entries(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header]),
    );
    for (const [name, header] of documented) {
      const value = exchange.headers[name];
      if (value === undefined) {
        if (header.required) problems.push(`required header ${name} is missing`);
        continue;
      }
      const typed =
        header.schema?.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      if (header.schema && !this.validate(header.schema, typed)) {
        problems.push(`header ${name}: ${JSON.stringify(value)} ${this.errors()}`);
      }
    }
    if (exchange.headers['retry-after'] !== undefined && !documented.has('retry-after')) {
      problems.push('sends Retry-After, which the document does not give this response');
    }
    return problems;
  }

  private bodyViolations(response: Response, exchange: Exchange): string[] {
    const content = response.content;
    if (!content) {
      return exchange.payload === undefined ? [] : ['a body where the document gives none'];
    }
    const mediaType = (exchange.headers['content-type'] ?? '').split(';')[0].trim();
    const media = content[mediaType];
    if (!media) {
      return [
        `content type ${mediaType || '(none)'} is not one of ${Object.keys(content).join(', ')}`,
      ];
    }
    if (!media.schema) return [];
    let body: unknown;
    try {
      body = JSON.parse(exchange.payload ?? '');
    } catch {
      return ['the body is not JSON'];
    }
    return this.validate(media.schema, body) ? [] : [`body ${this.errors()}${codeOf(exchange)}`];
  }

  private requestViolations(operation: Operation, exchange: Exchange): string[] {
    const schema = operation.requestBody?.content['application/json']?.schema;
    if (!schema || exchange.requestBody === undefined) return [];
    return this.validate(schema, exchange.requestBody)
      ? []
      : [`accepted a request body the document refuses: ${this.errors()}`];
  }

  private lastErrors = '';

  private validate(schema: Schema, value: unknown): boolean {
    let validate = this.compiled.get(schema);
    if (!validate) {
      // refs (#/components/schemas/…) resolve against the document's components
      validate = this.ajv.compile({ allOf: [schema], components: this.document.components });
      this.compiled.set(schema, validate);
    }
    const valid = validate(value);
    this.lastErrors = valid ? '' : this.ajv.errorsText(validate.errors, { dataVar: '' });
    return valid;
  }

  private errors(): string {
    return this.lastErrors;
  }
}

function codeOf(exchange: Exchange): string {
  try {
    const { code } = JSON.parse(exchange.payload ?? '') as { code?: unknown };
    return typeof code === 'string' ? ` (code ${code})` : '';
  } catch {
    return '';
  }
}
