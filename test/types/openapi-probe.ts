/**
 * A type-level probe of the client generated from the OpenAPI document (web/generated/api.d.ts,
 * `npm run client:generate`) and openapi-fetch, as the page uses them. Never run: `npm run
 * typecheck` (tsc on tsconfig.json, which includes test/) compiles it, and each
 * `@ts-expect-error` below fails that compile the day the mistake under it stops being an error:
 * an unknown error code, a code-specific member read without narrowing, an unknown body field.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../web/generated/api';

type Schemas = components['schemas'];
type CheckRoute = paths['/v1/phone-verifications/check']['post'];
type CheckProblem400 = CheckRoute['responses'][400]['content']['application/problem+json'];

/** web/api-client.ts's Body: a POST's JSON body as the document types it. */
type Body<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });

/** Every code the check route answers, switched over exhaustively (a new code breaks this). */
export async function checkOutcome(phone: string, code: string): Promise<string> {
  const { data, error } = await api.POST('/v1/phone-verifications/check', {
    body: { phone, code } satisfies Body<'/v1/phone-verifications/check'>,
    headers: { authorization: 'Bearer token' },
  });
  if (error === undefined) return data.status; // 'approved' | 'pending' | …
  switch (error.code) {
    case 'VALIDATION_FAILED':
    case 'INVALID_PHONE':
      return error.errors.map(({ field, message }) => `${field} ${message}`).join('; ');
    case 'INVALID_CODE':
      return `${error.attemptsLeft} attempts left`; // required on INVALID_CODE: a number
    case 'TOO_MANY_ATTEMPTS':
      return `new code in ${error.retryAfterSeconds} s`; // required on every 429
    case 'DATABASE_UNAVAILABLE':
      return `retry in ${error.retryAfterSeconds} s`;
    case 'UNAUTHENTICATED':
    case 'VERIFICATION_NOT_FOUND':
    case 'PHONE_IN_USE':
    case 'VERIFICATION_EXPIRED':
    case 'PAYLOAD_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return error.detail;
    default: {
      const unhandled: never = error; // exhaustive: every code of the route is handled above
      return unhandled;
    }
  }
}

/** A typo in a code does not compile. */
export function isInvalidCode(problem: CheckProblem400): boolean {
  // @ts-expect-error -- 'INVALID_COOD' is no code of this route (nor of any)
  return problem.code === 'INVALID_COOD';
}

/** Nor does a code the route never answers. */
export function isCooldown(problem: CheckProblem400): boolean {
  // @ts-expect-error -- RESEND_COOLDOWN is a send's answer, not a check's 400
  return problem.code === 'RESEND_COOLDOWN';
}

/** attemptsLeft is INVALID_CODE's only: reading it needs the narrowing. */
export function attemptsLeftOf(problem: CheckProblem400): number | undefined {
  if (problem.code === 'INVALID_CODE') return problem.attemptsLeft;
  // @ts-expect-error -- not narrowed: VALIDATION_FAILED and INVALID_PHONE carry no attemptsLeft
  return problem.attemptsLeft;
}

/**
 * A body field the document does not have (additionalProperties: false) does not compile, as
 * the page writes bodies (web/api-client.ts): openapi-fetch infers its init argument, and an
 * inferred type gets no excess-property check, hence `satisfies`.
 */
export async function sendWithUnknownField(): Promise<void> {
  await api.POST('/v1/phone-verifications/check', {
    body: {
      phone: '9812345678',
      code: '123456',
      // @ts-expect-error -- `remember` is not a field of CheckVerificationDto
      remember: true,
    } satisfies Body<'/v1/phone-verifications/check'>,
  });
}

/** The same with the schema's type itself. */
export const checkBody: Schemas['CheckVerificationDto'] = {
  phone: '9812345678',
  code: '123456',
  // @ts-expect-error -- `remember` is not a field of CheckVerificationDto
  remember: true,
};

/** Nor does a path the document does not have. */
export async function unknownRoute(): Promise<void> {
  // @ts-expect-error -- there is no /v1/phone-verification (singular)
  await api.GET('/v1/phone-verification', {});
}

/** The 429's Retry-After header is documented as required, and typed so. */
export type CheckRetryAfter = CheckRoute['responses'][429]['headers']['Retry-After'];
export const retryAfterIsANumber: CheckRetryAfter = 42;

/** Every problem type has its code as a literal: the union a client switches over. */
export type ProblemCode = Schemas[Extract<keyof Schemas, `${string}Problem`>]['code'];
export const someCode: ProblemCode = 'CHALLENGE_REQUIRED';
