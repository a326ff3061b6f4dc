import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { problem } from './problem-details';

export class ProblemFieldError {
  @ApiProperty({ example: 'username' })
  field!: string;

  @ApiProperty({ example: 'username must be a string' })
  message!: string;
}

/** The members a problem document may carry besides the five of RFC 9457. */
const EXTENSION_SCHEMAS = {
  retryAfterSeconds: {
    type: 'integer',
    minimum: 0,
    description: 'Seconds to wait before retrying; also sent as the `Retry-After` header.',
    example: 42,
  },
  attemptsLeft: {
    type: 'integer',
    minimum: 0,
    description: 'Wrong codes still allowed for this verification.',
    example: 4,
  },
  errors: {
    type: 'array',
    description: 'Each bad or unknown field, by name.',
    items: { $ref: getSchemaPath(ProblemFieldError) },
  },
  challengeUrl: {
    type: 'string',
    description: 'Where to fetch a proof-of-work challenge (`GET`, no token needed).',
    example: '/v1/challenges',
  },
} as const satisfies Record<string, SchemaObject>;

type Extension = keyof typeof EXTENSION_SCHEMAS;

interface CodeSpec {
  readonly status: number;
  /** Members every problem document of this code carries. */
  readonly required?: readonly Extension[];
  /** Members some problem documents of this code carry. */
  readonly optional?: readonly Extension[];
}

const RETRY: Pick<CodeSpec, 'required'> = { required: ['retryAfterSeconds'] };

/**
 * Every error code the service answers on a documented route, with its status and the members
 * it carries: one source for the OpenAPI document's per-code schemas (`<Code>Problem`), and so for
 * the generated client's types. A code a decorator names that is missing here stops the build of
 * the document; a code the service answers that is missing from a route's list fails the
 * conformance test (test/support/openapi-conformance.ts).
 */
export const PROBLEM_CODES = {
  VALIDATION_FAILED: { status: 400, required: ['errors'] },
  INVALID_PHONE: { status: 400, required: ['errors'] },
  INVALID_CODE: { status: 400, required: ['attemptsLeft'] },
  UNAUTHENTICATED: { status: 401 },
  INVALID_CREDENTIALS: { status: 401 },
  INVALID_REFRESH_TOKEN: { status: 401 },
  FORBIDDEN: { status: 403 },
  PHONE_BLOCKED: { status: 403, ...RETRY },
  PHONE_NOT_VERIFIED: { status: 403 },
  VERIFICATION_NOT_FOUND: { status: 404 },
  BLOCK_NOT_FOUND: { status: 404 },
  ALLOWLIST_ENTRY_NOT_FOUND: { status: 404 },
  USERNAME_TAKEN: { status: 409 },
  PHONE_ALREADY_VERIFIED: { status: 409 },
  PHONE_IN_USE: { status: 409 },
  ALREADY_ALLOWLISTED: { status: 409 },
  VERIFICATION_EXPIRED: { status: 410 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  CHALLENGE_REQUIRED: { status: 428, required: ['challengeUrl'] },
  RESEND_COOLDOWN: { status: 429, ...RETRY },
  SEND_LIMIT_REACHED: { status: 429, ...RETRY },
  TOO_MANY_ATTEMPTS: { status: 429, ...RETRY },
  TOO_MANY_LOGIN_ATTEMPTS: { status: 429, ...RETRY },
  TOO_MANY_REQUESTS: { status: 429, ...RETRY },
  SMS_GATEWAY_ERROR: { status: 502 },
  // retryAfterSeconds only when the outcome is unknown (the SMS may arrive: the cooldown runs)
  SMS_GATEWAY_UNAVAILABLE: { status: 503, optional: ['retryAfterSeconds'] },
  SMS_BUDGET_EXHAUSTED: { status: 503, ...RETRY },
  DATABASE_UNAVAILABLE: { status: 503, ...RETRY },
  NOT_READY: { status: 503, ...RETRY },
  SHUTTING_DOWN: { status: 503 },
} as const satisfies Record<string, CodeSpec>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** `INVALID_CODE` → `InvalidCodeProblem`: the component schema of one code. */
export function problemSchemaName(code: ProblemCode): string {
  const words = code.toLowerCase().split('_');
  return `${words.map((word) => word[0].toUpperCase() + word.slice(1)).join('')}Problem`;
}

function problemSchema(code: ProblemCode): SchemaObject {
  const spec: CodeSpec = PROBLEM_CODES[code];
  const required = spec.required ?? [];
  const members = [...required, ...(spec.optional ?? [])];
  return {
    type: 'object',
    description: `The problem document of \`${code}\` (status ${spec.status}).`,
    required: ['type', 'title', 'status', 'code', 'detail', ...required],
    additionalProperties: false,
    properties: {
      type: { type: 'string', example: 'about:blank' },
      title: { type: 'string', example: problem(spec.status, code, '').title },
      status: { type: 'integer', enum: [spec.status], example: spec.status },
      code: { type: 'string', enum: [code], example: code },
      detail: { type: 'string', description: 'For people; may change.' },
      ...Object.fromEntries(members.map((member) => [member, EXTENSION_SCHEMAS[member]])),
    },
  };
}

/** One code's example: its detail, and optionally extension members of its own (`attemptsLeft` …). */
export type ProblemExample =
  string | { readonly detail: string; readonly extensions?: Readonly<Record<string, unknown>> };

/** Marks a problem response built here, so later additions (413, 503 …) can merge into it. */
const CODES_KEY = 'x-problem-codes';

type ProblemResponse = ResponseObject & { [CODES_KEY]?: ProblemCode[] };

function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_CODES, code);
}

/**
 * Documents the error responses of one status as the problem+json the global filter sends: the
 * schema is the union of the codes' own schemas (an enum per status, each code with the members
 * it always carries required), one example per code (OpenAPI keys responses by status, so codes
 * sharing a status share one call). `extensions` go into every example; a code's own extensions
 * go into its example only.
 */
export function ApiProblemResponse(
  status: number,
  details: Readonly<Record<string, ProblemExample>>,
  extensions: Readonly<Record<string, unknown>> = {},
  /** What Retry-After means on this response, when the general words are not enough. */
  retryAfter?: string,
): MethodDecorator & ClassDecorator {
  const response = problemResponse(status, details, extensions);
  const header = response.headers?.['Retry-After'];
  if (retryAfter && header && !('$ref' in header)) header.description = retryAfter;
  return applyDecorators(ApiExtraModels(ProblemFieldError), ApiResponse({ status, ...response }));
}

/** The OpenAPI response object ApiProblemResponse documents. */
function problemResponse(
  status: number,
  details: Readonly<Record<string, ProblemExample>>,
  extensions: Readonly<Record<string, unknown>>,
): ProblemResponse {
  const entries = Object.entries(details).map(([code, example]) => {
    if (!isProblemCode(code) || PROBLEM_CODES[code].status !== status) {
      throw new Error(`${status} ${code} is not in PROBLEM_CODES (api-problem-response.ts)`);
    }
    return typeof example === 'string'
      ? { code, detail: example, own: {} }
      : { code, detail: example.detail, own: example.extensions ?? {} };
  });
  const examples = entries.map(({ code, detail, own }) => {
    const members: Record<string, unknown> = { ...extensions, ...own };
    const spec: CodeSpec = PROBLEM_CODES[code];
    // the example shows what the code carries, whatever the shared extensions say
    const allowed = new Set<string>([...(spec.required ?? []), ...(spec.optional ?? [])]);
    for (const member of Object.keys(members)) if (!allowed.has(member)) delete members[member];
    for (const member of spec.required ?? []) {
      members[member] ??= EXTENSION_EXAMPLES[member];
    }
    return { code, value: problem(status, code, detail, members) };
  });
  return assemble(
    status,
    entries.map(({ code, detail }) => ({ code, detail })),
    examples,
  );
}

const EXTENSION_EXAMPLES: Record<Extension, unknown> = {
  retryAfterSeconds: 42,
  attemptsLeft: 4,
  errors: [{ field: 'body', message: 'must be a JSON object' }],
  challengeUrl: '/v1/challenges',
};

function assemble(
  status: number,
  described: readonly { code: ProblemCode; detail: string }[],
  examples: readonly { code: ProblemCode; value: object }[],
): ProblemResponse {
  const codes = described.map(({ code }) => code);
  const refs: ReferenceObject[] = codes.map((code) => ({
    $ref: `#/components/schemas/${problemSchemaName(code)}`,
  }));
  const by = (kind: 'required' | 'optional' | 'none') =>
    codes.filter((code) => retryMember(code) === kind).join(', ');
  const retrying = codes.filter((code) => retryMember(code) !== 'none');
  const alwaysRetry = codes.every((code) => retryMember(code) === 'required');
  const sometimes = [
    by('required') && `always with ${by('required')}`,
    by('optional') && `with ${by('optional')} when the body carries \`retryAfterSeconds\``,
    by('none') && `never with ${by('none')}`,
  ].filter(Boolean);
  const retryAfter: HeaderObject = {
    description: alwaysRetry
      ? 'Seconds to wait before retrying (also in the body as `retryAfterSeconds`).'
      : `Seconds to wait before retrying (as the body's \`retryAfterSeconds\`): ${sometimes.join('; ')}.`,
    required: alwaysRetry,
    schema: { type: 'integer', minimum: 0, example: 42 },
  };
  return {
    description: described.map(({ code, detail }) => `\`${code}\`: ${detail}`).join('<br>'),
    ...(retrying.length > 0 ? { headers: { 'Retry-After': retryAfter } } : {}),
    content: {
      'application/problem+json': {
        schema: refs.length === 1 ? refs[0] : { oneOf: refs },
        examples: Object.fromEntries(
          examples.map(({ code, value }) => [code, { summary: code, value }]),
        ),
      },
    },
    [CODES_KEY]: codes,
  };
}

function retryMember(code: ProblemCode): 'required' | 'optional' | 'none' {
  const spec: CodeSpec = PROBLEM_CODES[code];
  if (spec.required?.includes('retryAfterSeconds')) return 'required';
  return spec.optional?.includes('retryAfterSeconds') ? 'optional' : 'none';
}

/** Adds one code (with its example) to an operation's response of that code's status. */
function addProblem(
  operation: OperationObject,
  code: ProblemCode,
  detail: string,
  extensions: Readonly<Record<string, unknown>> = {},
): void {
  const { status } = PROBLEM_CODES[code];
  const key = String(status);
  const existing = operation.responses[key] as ProblemResponse | undefined;
  const added = problemResponse(status, { [code]: { detail, extensions } }, {});
  if (!existing) {
    operation.responses[key] = added;
    return;
  }
  const codes = existing[CODES_KEY];
  if (!codes) throw new Error(`response ${key} is not a problem response; cannot add ${code}`);
  if (codes.includes(code)) return;
  const examples = {
    ...existing.content?.['application/problem+json']?.examples,
    ...added.content?.['application/problem+json']?.examples,
  };
  const merged = assemble(
    status,
    [...codes, code].map((each) => ({ code: each, detail: '' })),
    [],
  );
  merged.description = `${existing.description}<br>\`${code}\`: ${detail}`;
  merged.content!['application/problem+json'].examples = examples;
  operation.responses[key] = merged;
}

const OPERATION_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operationsOf(document: OpenAPIObject): { path: string; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    OPERATION_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ path, operation }] : [];
    }),
  );
}

/** Routes that never reach the database (no token, no account): no DATABASE_UNAVAILABLE. */
const WITHOUT_DATABASE = new Set(['/health/live', '/health/ready', '/v1/challenges']);

/**
 * Completes the finished document, before it is served, with what no controller declares
 * because no route's code raises it (one place, so no new route can forget it):
 * - 413 and 415 on every operation that takes a body (Fastify's body limit and json-only.ts
 *   refuse those before any route runs);
 * - 503 DATABASE_UNAVAILABLE on every route that reads the database (the error filter's answer
 *   when it cannot be reached);
 * - one schema per error code (`<Code>Problem`), the ones the responses refer to;
 * - `additionalProperties: false` on every request body (the validation pipe refuses unknown
 *   fields) and on the schemas inside them.
 */
export function completeProblemDocument(document: OpenAPIObject): void {
  for (const { path, operation } of operationsOf(document)) {
    if (operation.requestBody) {
      addProblem(operation, 'PAYLOAD_TOO_LARGE', 'The body is larger than 100 kB.');
      addProblem(
        operation,
        'UNSUPPORTED_MEDIA_TYPE',
        'The body is not `application/json` (form, multipart, text …).',
      );
      closeRequestBody(document, operation);
    }
    if (!WITHOUT_DATABASE.has(path)) {
      addProblem(
        operation,
        'DATABASE_UNAVAILABLE',
        'The service cannot reach its database; retry after Retry-After (5 s).',
        { retryAfterSeconds: 5 },
      );
    }
  }
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  for (const code of Object.keys(PROBLEM_CODES) as ProblemCode[]) {
    schemas[problemSchemaName(code)] = problemSchema(code);
  }
  // the marker is ours, not the document's
  for (const { operation } of operationsOf(document)) {
    for (const response of Object.values(operation.responses)) {
      delete (response as ProblemResponse)[CODES_KEY];
    }
  }
}

function closeRequestBody(document: OpenAPIObject, operation: OperationObject): void {
  const body = operation.requestBody;
  if (!body || '$ref' in body) return;
  for (const media of Object.values(body.content)) {
    if (media.schema) closeSchema(document, media.schema, new Set());
  }
}

function closeSchema(
  document: OpenAPIObject,
  schema: SchemaObject | ReferenceObject,
  seen: Set<string>,
): void {
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return;
    seen.add(name);
    const target = document.components?.schemas?.[name];
    if (target) closeSchema(document, target, seen);
    return;
  }
  if (schema.type === 'object' || schema.properties) {
    schema.additionalProperties = false;
    for (const property of Object.values(schema.properties ?? {})) {
      closeSchema(document, property, seen);
    }
  }
  if (schema.items) closeSchema(document, schema.items, seen);
}

export const VALIDATION_FAILED_DETAIL =
  'The body is not valid: `errors` names each bad or unknown field.';

/** 400 VALIDATION_FAILED, with an example naming one of the route's fields. */
export function ApiValidationFailedResponse(
  field: string,
  message: string,
): MethodDecorator & ClassDecorator {
  return ApiProblemResponse(
    400,
    { VALIDATION_FAILED: VALIDATION_FAILED_DETAIL },
    {
      errors: [{ field, message }],
    },
  );
}
