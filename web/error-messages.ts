import { ApiError, NETWORK_ERROR } from './api-client.js';
import { serverText, type Text } from './i18n/catalogue.js';
import { classifyPhoneRejection } from './phone-rejection.js';

/**
 * What the page tells a person about a failed call: one sentence, and per-field notes. Texts, not
 * strings, so that a switch of language rewrites a message already on screen.
 */
export interface HumanError {
  message: Text;
  /** Keyed by the API's field name (`username`, `phone`, `code` …). */
  fields: Record<string, Text>;
}

/** The sentences for field rules, kinder than the validator's wording. */
export function fieldRule(field: string, codeLength: number): Text | undefined {
  switch (field) {
    case 'username':
      return (m) => m.fields.usernameRule;
    case 'password':
      return (m) => m.fields.passwordRule;
    case 'code':
      return (m) => m.fields.codeRule(codeLength);
    default:
      return undefined;
  }
}

/** What to say when a field is left empty. */
export function missingField(field: string, codeLength: number): Text | undefined {
  switch (field) {
    case 'username':
      return (m) => m.fields.usernameMissing;
    case 'password':
      return (m) => m.fields.passwordMissing;
    case 'phone':
      return (m) => m.fields.phoneMissing;
    default:
      return fieldRule(field, codeLength);
  }
}

/** "42 seconds", "14 minutes", "3 hours": a wait the way a person says it. */
export function describeWait(seconds: number | undefined): Text {
  if (seconds === undefined || !Number.isFinite(seconds)) return (m) => m.wait.aLittleWhile;
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return (m) => m.wait.seconds(s);
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return (m) => m.wait.minutes(minutes);
  const hours = Math.ceil(minutes / 60);
  return (m) => m.wait.hours(hours);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Every error code the sign-up flow can meet, as a clear sentence. Unknown codes fall back to the
 * server's own `detail`, which is written for people too (in English: other languages get a
 * general sentence).
 */
export function describeError(error: ApiError, codeLength: number): HumanError {
  const wait = describeWait(error.retryAfterSeconds);
  const only = (message: Text): HumanError => ({ message, fields: {} });
  switch (error.code) {
    case 'VALIDATION_FAILED': {
      const fields: Record<string, Text> = {};
      for (const { field, message } of error.fieldErrors) {
        fields[field] ??=
          fieldRule(field, codeLength) ?? serverText(capitalise(message), (m) => m.fields.invalid);
      }
      return { message: (m) => m.errors.checkInput, fields };
    }
    case 'USERNAME_TAKEN':
      return {
        message: (m) => m.errors.usernameTaken,
        fields: { username: (m) => m.errors.usernameTakenHint },
      };
    case 'INVALID_CREDENTIALS':
      return only((m) => m.errors.invalidCredentials);
    case 'TOO_MANY_LOGIN_ATTEMPTS':
      return only((m) => m.errors.tooManyLogins(wait(m)));
    case 'TOO_MANY_REQUESTS':
      return only((m) => m.errors.tooManyRequests(wait(m)));
    case 'INVALID_PHONE':
      return {
        message: (m) => m.errors.invalidPhone,
        fields: { phone: phoneRejection(error) },
      };
    case 'PHONE_ALREADY_VERIFIED':
      return only((m) => m.errors.phoneAlreadyVerified);
    case 'PHONE_IN_USE':
      return {
        message: (m) => m.errors.phoneInUse,
        fields: { phone: (m) => m.errors.phoneInUseHint },
      };
    case 'PHONE_BLOCKED':
      return only((m) => m.errors.phoneBlocked(wait(m)));
    case 'CHALLENGE_REQUIRED':
      return only((m) => m.errors.challengeRequired);
    case 'RESEND_COOLDOWN':
      return only((m) => m.errors.resendCooldown(wait(m)));
    case 'SEND_LIMIT_REACHED':
      return only((m) => m.errors.sendLimit(wait(m)));
    case 'SMS_GATEWAY_ERROR':
      return only((m) => m.errors.smsGatewayError);
    case 'SMS_GATEWAY_UNAVAILABLE':
      return only((m) => m.errors.smsGatewayUnavailable);
    case 'SMS_BUDGET_EXHAUSTED':
      return only((m) => m.errors.smsBudgetExhausted);
    case 'INVALID_CODE':
      return {
        message: (m) => m.errors.invalidCode,
        fields: { code: attemptsLeftSentence(error.attemptsLeft) },
      };
    case 'VERIFICATION_EXPIRED':
      return only((m) => m.errors.expired);
    case 'TOO_MANY_ATTEMPTS':
      return only((m) => m.errors.tooManyAttempts);
    case 'VERIFICATION_NOT_FOUND':
      return only((m) => m.errors.notFound);
    case 'PHONE_NOT_VERIFIED':
      return only((m) => m.errors.phoneNotVerified);
    case 'UNAUTHENTICATED':
    case 'INVALID_REFRESH_TOKEN':
      return only((m) => m.errors.sessionEnded);
    case NETWORK_ERROR:
      return only((m) => m.errors.network);
    default:
      return only(
        error.status >= 500 || error.status === 0
          ? (m) => m.errors.serverError
          : serverText(error.detail, (m) => m.errors.unknown),
      );
  }
}

/** Any failure a handler caught, as a sentence: ApiErrors by code, anything else generically. */
export function describeFailure(error: unknown, codeLength: number): HumanError {
  if (error instanceof ApiError) return describeError(error, codeLength);
  console.error(error);
  return { message: (m) => m.errors.pageError, fields: {} };
}

/** The session ended mid-call: the page has already gone back to the login form. */
export function endedTheSession(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code === 'UNAUTHENTICATED';
}

/** The server names the exact problem (too short, landline, operator …); said in the page's words. */
function phoneRejection(error: ApiError): Text {
  const said = error.fieldErrors.find((e) => e.field === 'phone')?.message ?? error.detail;
  const reason = classifyPhoneRejection(said);
  if (reason === undefined) return serverText(said, (m) => m.errors.phoneRejectionOther);
  if (reason.kind === 'operators') return (m) => m.errors.operatorsOnly(reason.operators);
  return (m) => m.errors.phoneRejection[reason.kind];
}

function attemptsLeftSentence(attemptsLeft: number | undefined): Text {
  if (attemptsLeft === undefined) return (m) => m.errors.checkTheCode;
  if (attemptsLeft === 0) return (m) => m.errors.noAttemptsLeft;
  return (m) => m.errors.attemptsLeft(attemptsLeft);
}
