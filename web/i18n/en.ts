/**
 * The page's English texts: every word the sign-up page shows, error messages included. The
 * Nepali catalogue (ne.ts) is typed by this one, so a key missing there does not compile.
 *
 * Texts with `{name}` hold an element of the page in that place (the phone number, the username):
 * each language puts it where its word order wants it.
 */

import type { PhoneRejectionKind } from '../phone-rejection.js';
import type { Language } from './languages.js';

/** ASCII digits, as English prose writes them. */
const number = (n: number): string => String(n);

/** `1 minute`, `2 minutes`. */
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export const en = {
  /** The BCP 47 tag of `<html lang>` and the `locale` sent with each code. */
  language: 'en' as Language,
  /** Numbers the person reads: attempts, seconds, the code's length. */
  number,
  /** Digits inside other text, e.g. the countdown's `0:58`. */
  digits: (text: string): string => text,

  page: {
    title: 'Verify your phone number',
    brand: 'Phone verification',
    progressLabel: 'Progress',
    languageLabel: 'Language',
    loading: 'Loading…',
    footer: 'Codes arrive by SMS and expire after a few minutes. Never share your code.',
  },

  steps: {
    account: 'Account',
    phone: 'Phone',
    code: 'Code',
    verified: 'Done',
  },

  account: {
    registerHeading: 'Create your account',
    registerLead: 'Then verify your mobile number to get in.',
    username: 'Username',
    usernameHint: '3–30 letters, digits, _ . or -',
    password: 'Password',
    passwordHint: 'At least 8 characters',
    createAccount: 'Create account',
    creatingAccount: 'Creating account…',
    haveAccount: 'Already have an account?',
    showLogin: 'Log in',
    loginHeading: 'Log in',
    loginLead: 'Welcome back.',
    logIn: 'Log in',
    loggingIn: 'Logging in…',
    newHere: 'New here?',
    showRegister: 'Create an account',
    loggedOut: 'You are logged out.',
  },

  phone: {
    heading: 'Verify your mobile number',
    lead: (codeLength: number): string => `We will text you a code of ${codeLength} digits.`,
    label: 'Mobile number',
    placeholder: '98XXXXXXXX',
    hint: 'For example {local} or {international}',
    sendCode: 'Send code',
    sendingCode: 'Sending code…',
    keepVerified: 'Keep my verified number',
  },

  code: {
    heading: 'Enter the code',
    lead: (codeLength: number): string => `We sent a code of ${codeLength} digits to {phone}.`,
    label: 'Code from the SMS',
    verify: 'Verify',
    checking: 'Checking…',
    resend: 'Send a new code',
    resending: 'Sending…',
    /** The resend button while it waits; `clock` is `0:58`. */
    resendIn: (clock: string): string => `Send a new code in ${clock}`,
    resendReady: 'You can ask for a new code now.',
    newCodeSent: (phone: string): string =>
      `We sent a new code to ${phone}. The previous code no longer works.`,
  },

  verified: {
    heading: 'You’re verified',
    lead: '{phone} is verified on {username}’s account.',
    loadingWelcome: 'Loading your welcome…',
    /** Shown when the page's language is not the API's (the route's own message is English). */
    welcome: 'Welcome! Your phone number is verified.',
  },

  common: {
    useAnotherNumber: 'Use another number',
    logOut: 'Log out',
  },

  /** The form's rules, in the words of the page. */
  fields: {
    usernameRule: 'Use 3–30 letters, digits, _ . or -.',
    passwordRule: 'Use 8 to 128 characters.',
    codeRule: (codeLength: number): string => `Enter the ${codeLength}-digit code from the SMS.`,
    usernameMissing: 'Enter your username.',
    passwordMissing: 'Enter your password.',
    phoneMissing: 'Enter your mobile number.',
    /** A field the page has no sentence for, in a language the API does not speak. */
    invalid: 'Check this field.',
  },

  /** "42 seconds", "14 minutes", "3 hours": a wait the way a person says it. */
  wait: {
    aLittleWhile: 'a little while',
    seconds: (n: number): string => plural(n, 'second', 'seconds'),
    minutes: (n: number): string => plural(n, 'minute', 'minutes'),
    hours: (n: number): string => plural(n, 'hour', 'hours'),
  },

  errors: {
    checkInput: 'Please check what you entered.',
    usernameTaken: 'That username is taken.',
    usernameTakenHint: 'Choose another username, or log in if it is yours.',
    invalidCredentials: 'The username or password is wrong.',
    tooManyLogins: (wait: string): string => `Too many failed logins. Wait ${wait} and try again.`,
    tooManyRequests: (wait: string): string =>
      `Too many attempts from your network. Wait ${wait} and try again.`,
    invalidPhone: 'That number cannot receive our code.',
    /** Why the server refused a number; word for word what it says (see phone-rejection.ts). */
    phoneRejection: {
      not_a_string: 'Send the phone number as text, e.g. "98XXXXXXXX".',
      empty: 'Enter your mobile number, e.g. 98XXXXXXXX.',
      not_a_phone_number: 'Enter a Nepali mobile number using digits only, e.g. 98XXXXXXXX.',
      too_short: 'This number is too short: a Nepali mobile number has 10 digits, e.g. 98XXXXXXXX.',
      too_long: 'This number is too long: a Nepali mobile number has 10 digits, e.g. 98XXXXXXXX.',
      not_nepal: 'Only Nepali mobile numbers (+977) are accepted, e.g. 98XXXXXXXX.',
      not_mobile: 'This is not a Nepali mobile number. Enter a mobile number, e.g. 98XXXXXXXX.',
      no_operator: 'No mobile operator is accepted at the moment.',
    } satisfies Record<PhoneRejectionKind, string>,
    /** A refusal the page cannot place, in a language the API does not speak. */
    phoneRejectionOther: 'Enter a Nepali mobile number, e.g. 98XXXXXXXX.',
    /** `operators` as the server names them: NTC, Ncell, Smart, UTL. */
    operatorsOnly: (operators: readonly string[]): string =>
      `Only ${listOf(operators, 'and')} numbers are accepted.`,
    phoneAlreadyVerified: 'This number is already verified on your account.',
    phoneInUse: 'This number is already verified on another account.',
    phoneInUseHint: 'Use a different number, or log in to the account that verified it.',
    phoneBlocked: (wait: string): string =>
      `Codes cannot be sent to this number for now. Try again in ${wait}.`,
    challengeRequired: 'We need to check this browser first. Reload the page and try again.',
    resendCooldown: (wait: string): string =>
      `A code was sent moments ago. You can ask for a new one in ${wait}.`,
    sendLimit: (wait: string): string => `Too many codes have been sent. Try again in ${wait}.`,
    smsGatewayError:
      'Our SMS provider refused to send to this number. Check the number, or try again later.',
    smsGatewayUnavailable: 'We cannot send text messages right now. Please try again in a minute.',
    smsBudgetExhausted: 'We have sent all the codes we can today. Please try again tomorrow.',
    invalidCode: 'That code is not right.',
    attemptsLeft: (n: number): string =>
      `Check the SMS and try again: ${plural(n, 'attempt', 'attempts')} left.`,
    noAttemptsLeft: 'No attempts left: ask for a new code.',
    checkTheCode: 'Check the code in the SMS and try again.',
    expired: 'This code has expired. Ask for a new code.',
    tooManyAttempts: 'Too many wrong codes. Ask for a new code to try again.',
    notFound: 'There is no code waiting for this number any more. Ask for a new code.',
    phoneNotVerified: 'Verify your phone number to continue.',
    sessionEnded: 'Your session has ended. Please log in again.',
    network: 'We could not reach the server. Check your connection and try again.',
    serverError: 'Something went wrong on our side. Please try again.',
    pageError: 'Something went wrong on this page. Please reload it and try again.',
    /** An error the page does not know, in a language the API does not speak. */
    unknown: 'Something went wrong. Please try again.',
  },
};

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

export type Messages = typeof en;
