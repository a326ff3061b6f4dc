import createClient from '/vendor/openapi-fetch/index.mjs';
import type { components, paths } from './generated/api.js';
import type { Language } from './i18n/catalogue.js';
import { solveProofOfWork } from './proof-of-work.js';
import type { Session } from './session.js';

type Schemas = components['schemas'];

/** The shapes the page reads, as the OpenAPI document (`npm run client:generate`) gives them. */
export type User = Schemas['UserResponse'];
export type TokenPair = Schemas['TokenPairResponse'];
export type RegisterResponse = Schemas['RegisterResponse'];
export type Verification = Schemas['VerificationView'];
export type VerificationStatus = Verification['status'];
export type FieldProblem = Schemas['ProblemFieldError'];

/**
 * The JSON body of a POST as the document types it. Bodies are written `{ … } satisfies
 * Body<'/v1/…'>`: openapi-fetch infers its init argument, and an inferred type is never checked
 * for excess properties, so without `satisfies` a field the API does not take would compile.
 */
export type Body<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

/** Every problem document the API answers, one type per `code` (switch on `code` to narrow). */
export type Problem = Schemas[Extract<keyof Schemas, `${string}Problem`>];
export type ProblemCode = Problem['code'];

/** The page's own codes for failures that never reached the API's error handler. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE';

/** A failed call: the problem document's code and details, or one of the page's own codes. */
export class ApiError extends Error {
  readonly fieldErrors: readonly FieldProblem[];
  /** From Retry-After (or the problem's retryAfterSeconds). */
  readonly retryAfterSeconds: number | undefined;
  readonly attemptsLeft: number | undefined;
  /** On 428 CHALLENGE_REQUIRED: where the proof-of-work challenge comes from. */
  readonly challengeUrl: string | undefined;

  constructor(
    readonly status: number,
    readonly code: ProblemCode | typeof NETWORK_ERROR | typeof UNEXPECTED_RESPONSE,
    readonly detail: string,
    /** The problem document as answered; undefined for the page's own codes. */
    readonly problem?: Problem,
    retryAfterSeconds?: number,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiError';
    this.fieldErrors = problem && 'errors' in problem ? problem.errors : [];
    this.retryAfterSeconds =
      retryAfterSeconds ??
      (problem && 'retryAfterSeconds' in problem ? problem.retryAfterSeconds : undefined);
    this.attemptsLeft = problem?.code === 'INVALID_CODE' ? problem.attemptsLeft : undefined;
    this.challengeUrl = problem?.code === 'CHALLENGE_REQUIRED' ? problem.challengeUrl : undefined;
  }
}

/** What openapi-fetch resolves to: the body of a 2xx (`data`) or of an error (`error`). */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** One call: the token (when any) goes into the headers the call is made with. */
type Call<T> = (headers: Record<string, string>) => Promise<Outcome<T>>;

/**
 * The service's routes, as the page uses them, through openapi-fetch with the types generated
 * from the OpenAPI document: a path, a body or a field the document does not have does not
 * compile. Authenticated calls that get a 401 refresh the token pair once, silently, and retry
 * once; when that fails the session is over.
 */
export class ApiClient {
  protected readonly api = createClient<paths>({
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { accept: 'application/json' },
  });
  private refreshing: Promise<boolean> | undefined;

  constructor(
    private readonly session: Session,
    /** Called once the session cannot be renewed: the page goes back to the login form. */
    private readonly onSessionEnded: () => void,
  ) {}

  register(username: string, password: string): Promise<RegisterResponse> {
    return this.send((headers) =>
      this.api.POST('/v1/auth/register', {
        body: { username, password } satisfies Body<'/v1/auth/register'>,
        headers,
      }),
    );
  }

  login(username: string, password: string): Promise<TokenPair> {
    return this.send((headers) =>
      this.api.POST('/v1/auth/login', {
        body: { username, password } satisfies Body<'/v1/auth/login'>,
        headers,
      }),
    );
  }

  /** Ends this session by its refresh token alone (no access token needed, API.md). */
  async logout(): Promise<void> {
    const refreshToken = this.session.tokens?.refreshToken;
    if (!refreshToken) return;
    await this.send((headers) =>
      this.api.POST('/v1/auth/logout', {
        body: { refreshToken } satisfies Body<'/v1/auth/logout'>,
        headers,
      }),
    );
  }

  me(): Promise<User> {
    return this.authenticated((headers) => this.api.GET('/v1/users/me', { headers }));
  }

  /**
   * `locale`: the language of the SMS, the page's own. When the service asks for a proof-of-work
   * challenge (428), the page solves one in Web Workers and sends again, once: the person sees
   * only a send that took a moment longer. A challenge that cannot be solved leaves the 428.
   */
  async startVerification(phone: string, locale: Language): Promise<Verification> {
    const send = (challenge?: string) =>
      this.authenticated((headers) =>
        this.api.POST('/v1/phone-verifications', {
          body: (challenge === undefined
            ? { phone, locale }
            : { phone, locale, challenge }) satisfies Body<'/v1/phone-verifications'>,
          headers,
        }),
      );
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'CHALLENGE_REQUIRED')) throw error;
      let challenge: string;
      try {
        challenge = await solveProofOfWork(error.challengeUrl ?? '/v1/challenges');
      } catch (failure) {
        console.error(failure);
        throw error;
      }
      return send(challenge);
    }
  }

  checkCode(phone: string, code: string): Promise<Verification> {
    return this.authenticated((headers) =>
      this.api.POST('/v1/phone-verifications/check', {
        body: { phone, code } satisfies Body<'/v1/phone-verifications/check'>,
        headers,
      }),
    );
  }

  getVerification(id: string): Promise<Verification> {
    return this.authenticated((headers) =>
      this.api.GET('/v1/phone-verifications/{id}', { params: { path: { id } }, headers }),
    );
  }

  async cancelVerification(id: string): Promise<void> {
    await this.authenticated((headers) =>
      this.api.DELETE('/v1/phone-verifications/{id}', { params: { path: { id } }, headers }),
    );
  }

  welcome(): Promise<{ message: string }> {
    return this.authenticated((headers) => this.api.GET('/v1/members/welcome', { headers }));
  }

  /** A call with the access token, refreshed once on a 401 (for routes this class does not name). */
  protected async authenticated<T>(call: Call<T>): Promise<T> {
    const token = this.session.tokens?.accessToken;
    if (!token) throw this.endSession();
    try {
      return await this.send(call, token);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    // The access token expired (or was revoked): one silent refresh, then one retry.
    if (!(await this.refreshOnce())) throw this.endSession();
    try {
      return await this.send(call, this.session.tokens?.accessToken);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw this.endSession();
      throw error;
    }
  }

  /** Concurrent 401s share one refresh: a refresh token works only once. */
  private refreshOnce(): Promise<boolean> {
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<boolean> {
    const refreshToken = this.session.tokens?.refreshToken;
    if (!refreshToken) return false;
    try {
      this.session.replaceTokens(
        await this.send((headers) =>
          this.api.POST('/v1/auth/refresh', {
            body: { refreshToken } satisfies Body<'/v1/auth/refresh'>,
            headers,
          }),
        ),
      );
      return true;
    } catch {
      return false;
    }
  }

  private endSession(): ApiError {
    this.session.clear();
    this.onSessionEnded();
    return new ApiError(401, 'UNAUTHENTICATED', 'Your session has ended.');
  }

  private async send<T>(call: Call<T>, token?: string): Promise<T> {
    let outcome: Outcome<T>;
    try {
      outcome = await call(token ? { authorization: `Bearer ${token}` } : {});
    } catch {
      throw new ApiError(0, NETWORK_ERROR, 'The server could not be reached.');
    }
    const { response } = outcome;
    if (response.ok) return outcome.data as T; // undefined for a 204
    throw toApiError(response, outcome.error);
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  if (!isProblem(body)) {
    // not a problem document: a proxy's error page, say
    return new ApiError(
      response.status,
      UNEXPECTED_RESPONSE,
      `The server answered ${response.status} ${response.statusText}.`,
      undefined,
      retryAfter,
    );
  }
  return new ApiError(response.status, body.code, body.detail, body, retryAfter);
}

/** A problem document, as far as the page relies on it (its code and detail are strings). */
function isProblem(body: unknown): body is Problem {
  if (body === null || typeof body !== 'object') return false;
  const { code, detail } = body as { code?: unknown; detail?: unknown };
  return typeof code === 'string' && typeof detail === 'string';
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
