import { ApiError, NETWORK_ERROR } from './api-client.js';

/** What the page tells a person about a failed call: one sentence, and per-field notes. */
export interface HumanError {
  message: string;
  /** Keyed by the API's field name (`username`, `phone`, `code` …). */
  fields: Record<string, string>;
}

/** The sentences for field rules, kinder than the validator's wording. */
export function fieldRule(field: string, codeLength: number): string | undefined {
  switch (field) {
    case 'username':
      return 'Use 3–30 letters, digits, _ . or -.';
    case 'password':
      return 'Use 8 to 128 characters.';
    case 'code':
      return `Enter the ${codeLength}-digit code from the SMS.`;
    default:
      return undefined;
  }
}

/** "42 seconds", "14 minutes", "3 hours": a wait the way a person says it. */
export function describeWait(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'a little while';
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Every error code the sign-up flow can meet, as a clear sentence. Unknown codes fall back to the
 * server's own `detail`, which is written for people too.
 */
export function describeError(error: ApiError, codeLength: number): HumanError {
  const wait = describeWait(error.retryAfterSeconds);
  const only = (message: string): HumanError => ({ message, fields: {} });
  switch (error.code) {
    case 'VALIDATION_FAILED': {
      const fields: Record<string, string> = {};
      for (const { field, message } of error.fieldErrors) {
        fields[field] ??= fieldRule(field, codeLength) ?? capitalise(message);
      }
      return { message: 'Please check what you entered.', fields };
    }
    case 'USERNAME_TAKEN':
      return {
        message: 'That username is taken.',
        fields: { username: 'Choose another username, or log in if it is yours.' },
      };
    case 'INVALID_CREDENTIALS':
      return only('The username or password is wrong.');
    case 'TOO_MANY_LOGIN_ATTEMPTS':
      return only(`Too many failed logins. Wait ${wait} and try again.`);
    case 'TOO_MANY_REQUESTS':
      return only(`Too many attempts from your network. Wait ${wait} and try again.`);
    case 'INVALID_PHONE': {
      // The server names the exact problem (too short, landline, operator …) for people.
      const reason = error.fieldErrors.find((e) => e.field === 'phone')?.message ?? error.detail;
      return { message: 'That number cannot receive our code.', fields: { phone: reason } };
    }
    case 'PHONE_ALREADY_VERIFIED':
      return only('This number is already verified on your account.');
    case 'PHONE_IN_USE':
      return {
        message: 'This number is already verified on another account.',
        fields: { phone: 'Use a different number, or log in to the account that verified it.' },
      };
    case 'RESEND_COOLDOWN':
      return only(`A code was sent moments ago. You can ask for a new one in ${wait}.`);
    case 'SEND_LIMIT_REACHED':
      return only(`Too many codes have been sent. Try again in ${wait}.`);
    case 'SMS_GATEWAY_ERROR':
      return only(
        'Our SMS provider refused to send to this number. Check the number, or try again later.',
      );
    case 'SMS_GATEWAY_UNAVAILABLE':
      return only('We cannot send text messages right now. Please try again in a minute.');
    case 'SMS_BUDGET_EXHAUSTED':
      return only('We have sent all the codes we can today. Please try again tomorrow.');
    case 'INVALID_CODE':
      return {
        message: 'That code is not right.',
        fields: { code: attemptsLeftSentence(error.attemptsLeft) },
      };
    case 'VERIFICATION_EXPIRED':
      return only('This code has expired. Ask for a new code.');
    case 'TOO_MANY_ATTEMPTS':
      return only('Too many wrong codes. Ask for a new code to try again.');
    case 'VERIFICATION_NOT_FOUND':
      return only('There is no code waiting for this number any more. Ask for a new code.');
    case 'PHONE_NOT_VERIFIED':
      return only('Verify your phone number to continue.');
    case 'UNAUTHENTICATED':
    case 'INVALID_REFRESH_TOKEN':
      return only('Your session has ended. Please log in again.');
    case NETWORK_ERROR:
      return only('We could not reach the server. Check your connection and try again.');
    default:
      return only(
        error.status >= 500 || error.status === 0
          ? 'Something went wrong on our side. Please try again.'
          : error.detail,
      );
  }
}

/** Any failure a handler caught, as a sentence: ApiErrors by code, anything else generically. */
export function describeFailure(error: unknown, codeLength: number): HumanError {
  if (error instanceof ApiError) return describeError(error, codeLength);
  console.error(error);
  return {
    message: 'Something went wrong on this page. Please reload it and try again.',
    fields: {},
  };
}

/** The session ended mid-call: the page has already gone back to the login form. */
export function endedTheSession(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code === 'UNAUTHENTICATED';
}

function attemptsLeftSentence(attemptsLeft: number | undefined): string {
  if (attemptsLeft === undefined) return 'Check the code in the SMS and try again.';
  if (attemptsLeft === 0) return 'No attempts left: ask for a new code.';
  return `Check the SMS and try again: ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left.`;
}
