import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
  OpenAPIObject,
  ResponseObject,
} from '@nestjs/swagger';
import { problem } from './problem-details';

export class ProblemFieldError {
  @ApiProperty({ example: 'username' })
  field!: string;

  @ApiProperty({ example: 'username must be a string' })
  message!: string;
}

/** The RFC 9457 document every error is sent as (`application/problem+json`). */
export class ProblemDocument {
  @ApiProperty({ example: 'about:blank' })
  type!: string;

  @ApiProperty({ example: 'Unauthorized' })
  title!: string;

  @ApiProperty({ example: 401 })
  status!: number;

  @ApiProperty({ description: 'Stable, machine-readable.', example: 'INVALID_CREDENTIALS' })
  code!: string;

  @ApiProperty({ example: 'The username or password is wrong.' })
  detail!: string;

  @ApiPropertyOptional({ description: 'On 429, also sent as Retry-After.', example: 840 })
  retryAfterSeconds?: number;

  @ApiPropertyOptional({
    description: 'On INVALID_CODE: wrong codes still allowed for this verification.',
    example: 4,
  })
  attemptsLeft?: number;

  @ApiPropertyOptional({ type: [ProblemFieldError], description: 'On VALIDATION_FAILED.' })
  errors?: ProblemFieldError[];
}

/** One code's example: its detail, and optionally extension members of its own (`attemptsLeft` …). */
export type ProblemExample =
  string | { readonly detail: string; readonly extensions?: Readonly<Record<string, unknown>> };

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying (also in the body as `retryAfterSeconds`).',
    schema: { type: 'integer', minimum: 0, example: 42 },
  },
};

/**
 * Documents the error responses of one status as the problem+json the global filter sends, one
 * example per code (OpenAPI keys responses by status, so codes sharing a status share one call).
 * `extensions` go into every example; a code's own extensions go into its example only.
 */
export function ApiProblemResponse(
  status: number,
  details: Readonly<Record<string, ProblemExample>>,
  extensions: Readonly<Record<string, unknown>> = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDocument, ProblemFieldError),
    ApiResponse({ status, ...problemResponse(status, details, extensions) }),
  );
}

/** The OpenAPI response object ApiProblemResponse documents. */
function problemResponse(
  status: number,
  details: Readonly<Record<string, ProblemExample>>,
  extensions: Readonly<Record<string, unknown>>,
): ResponseObject {
  const codes = Object.entries(details).map(([code, example]) =>
    typeof example === 'string'
      ? { code, detail: example, own: {} }
      : { code, detail: example.detail, own: example.extensions ?? {} },
  );
  const examples = codes.map(({ code, detail, own }) => ({
    code,
    value: problem(status, code, detail, { ...extensions, ...own }),
  }));
  const retries = status === 429 || examples.some(({ value }) => 'retryAfterSeconds' in value);
  return {
    description: codes.map(({ code, detail }) => `\`${code}\`: ${detail}`).join('<br>'),
    ...(retries ? { headers: RETRY_AFTER_HEADER } : {}),
    content: {
      'application/problem+json': {
        schema: { $ref: getSchemaPath(ProblemDocument) },
        examples: Object.fromEntries(
          examples.map(({ code, value }) => [code, { summary: code, value }]),
        ),
      },
    },
  };
}

/**
 * Adds the 415 every operation that takes a body answers to a body that is not JSON (json-only.ts
 * refuses it before any route runs, so no controller declares it): one place, so no new route can
 * forget it. Run on the finished document, before it is served.
 */
export function documentJsonOnlyBodies(document: OpenAPIObject): void {
  const unsupported = problemResponse(
    415,
    { UNSUPPORTED_MEDIA_TYPE: 'The body is not `application/json` (form, multipart, text …).' },
    {},
  );
  for (const item of Object.values(document.paths)) {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (operation?.requestBody) operation.responses['415'] = unsupported;
    }
  }
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
