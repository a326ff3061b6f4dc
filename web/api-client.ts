import type {
  FieldProblem,
  Problem,
  RegisterResponse,
  TokenPair,
  User,
  Verification,
} from './api-types.js';
import type { Language } from './i18n/catalogue.js';
import type { Session } from './session.js';

/** The page's own codes for failures that never reached the API's error handler. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE';

/** A failed call: the problem document's code and details, or one of the page's own codes. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fieldErrors: readonly FieldProblem[] = [],
    /** From Retry-After (or the problem's retryAfterSeconds). */
    readonly retryAfterSeconds?: number,
    readonly attemptsLeft?: number,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * The service's routes, as the page uses them. Authenticated calls that get a 401 refresh the
 * token pair once, silently, and retry once; when that fails the session is over.
 */
export class ApiClient {
  private refreshing: Promise<boolean> | undefined;

  constructor(
    private readonly session: Session,
    /** Called once the session cannot be renewed: the page goes back to the login form. */
    private readonly onSessionEnded: () => void,
  ) {}

  register(username: string, password: string): Promise<RegisterResponse> {
    return this.send<RegisterResponse>('POST', '/v1/auth/register', { username, password });
  }

  login(username: string, password: string): Promise<TokenPair> {
    return this.send<TokenPair>('POST', '/v1/auth/login', { username, password });
  }

  async logout(): Promise<void> {
    const refreshToken = this.session.tokens?.refreshToken;
    if (!refreshToken) return;
    await this.send<void>(
      'POST',
      '/v1/auth/logout',
      { refreshToken },
      this.session.tokens?.accessToken,
    );
  }

  me(): Promise<User> {
    return this.authenticated<User>('GET', '/v1/users/me');
  }

  /** `locale`: the language of the SMS, the page's own. */
  startVerification(phone: string, locale: Language): Promise<Verification> {
    return this.authenticated<Verification>('POST', '/v1/phone-verifications', { phone, locale });
  }

  checkCode(phone: string, code: string): Promise<Verification> {
    return this.authenticated<Verification>('POST', '/v1/phone-verifications/check', {
      phone,
      code,
    });
  }

  getVerification(id: string): Promise<Verification> {
    return this.authenticated<Verification>(
      'GET',
      `/v1/phone-verifications/${encodeURIComponent(id)}`,
    );
  }

  cancelVerification(id: string): Promise<void> {
    return this.authenticated<void>('DELETE', `/v1/phone-verifications/${encodeURIComponent(id)}`);
  }

  welcome(): Promise<{ message: string }> {
    return this.authenticated<{ message: string }>('GET', '/v1/members/welcome');
  }

  /** A call with the access token, refreshed once on a 401 (for routes this class does not name). */
  protected async authenticated<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const token = this.session.tokens?.accessToken;
    if (!token) throw this.endSession();
    try {
      return await this.send<T>(method, path, body, token);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    // The access token expired (or was revoked): one silent refresh, then one retry.
    if (!(await this.refreshOnce())) throw this.endSession();
    try {
      return await this.send<T>(method, path, body, this.session.tokens?.accessToken);
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
        await this.send<TokenPair>('POST', '/v1/auth/refresh', { refreshToken }),
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

  private async send<T>(method: Method, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, NETWORK_ERROR, 'The server could not be reached.');
    }
    if (response.ok) {
      return (response.status === 204 ? undefined : await response.json()) as T;
    }
    throw await toApiError(response);
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const problem = await readProblem(response);
  const retryAfter =
    parseRetryAfter(response.headers.get('retry-after')) ?? problem?.retryAfterSeconds;
  if (!problem) {
    return new ApiError(
      response.status,
      UNEXPECTED_RESPONSE,
      `The server answered ${response.status} ${response.statusText}.`,
      [],
      retryAfter,
    );
  }
  return new ApiError(
    response.status,
    problem.code,
    problem.detail,
    Array.isArray(problem.errors) ? problem.errors : [],
    retryAfter,
    typeof problem.attemptsLeft === 'number' ? problem.attemptsLeft : undefined,
  );
}

async function readProblem(response: Response): Promise<Problem | undefined> {
  try {
    const body = (await response.json()) as Partial<Problem> | null;
    return body && typeof body.code === 'string' ? (body as Problem) : undefined;
  } catch {
    return undefined; // not JSON: a proxy's error page, say
  }
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
