import { ForbiddenError } from '../src/admin/admin.errors';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  TooManyLoginAttemptsError,
} from '../src/auth/auth.errors';
import {
  AllowlistEntryNotFoundError,
  AlreadyAllowlistedError,
  BlockNotFoundError,
  ChallengeRequiredError,
  PhoneBlockedError,
} from '../src/fraud/fraud.errors';
import {
  InvalidCodeError,
  InvalidPhoneError,
  PhoneAlreadyVerifiedError,
  ResendCooldownError,
  SendLimitReachedError,
  TooManyAttemptsError,
  VerificationExpiredError,
  VerificationNotFoundError,
} from '../src/phone-verification/phone-verification.errors';
import { TooManyRequestsError } from '../src/rate-limit/rate-limit.errors';
import { SmsBudgetExhaustedError } from '../src/sms/delivery-log/sms-delivery-log';
import { SmsGatewayError, SmsGatewayUnavailableError } from '../src/sms/sms.errors';
import {
  PhoneInUseError,
  PhoneNotVerifiedError,
  UsernameTakenError,
} from '../src/users/users.errors';
import {
  DomainError,
  ServiceUnavailableError,
  UnauthenticatedError,
  ValidationFailedError,
} from '../src/common/errors/domain-error';
import { PROBLEM_CODES, ProblemCode } from '../src/common/http/api-problem-response';

/** One instance of every error the services throw, as they throw it. */
const ERRORS: DomainError[] = [
  new ValidationFailedError([{ field: 'phone', message: 'must be a string' }]),
  new InvalidPhoneError('not a mobile number'),
  new InvalidCodeError(3),
  new UnauthenticatedError(),
  new InvalidCredentialsError(),
  new InvalidRefreshTokenError(),
  new ForbiddenError(),
  new PhoneBlockedError(600),
  new PhoneNotVerifiedError(),
  new VerificationNotFoundError(),
  new BlockNotFoundError(),
  new AllowlistEntryNotFoundError(),
  new UsernameTakenError(),
  new PhoneAlreadyVerifiedError(),
  new PhoneInUseError(),
  new AlreadyAllowlistedError(),
  new VerificationExpiredError(),
  new ChallengeRequiredError(),
  new ResendCooldownError(42),
  new SendLimitReachedError('user', 42),
  new TooManyAttemptsError(42),
  new TooManyLoginAttemptsError(42),
  new TooManyRequestsError(42),
  new SmsGatewayError('account'),
  SmsGatewayUnavailableError.unreached(),
  SmsGatewayUnavailableError.outcomeUnknown(60),
  new SmsBudgetExhaustedError(3600),
  new ServiceUnavailableError('NOT_READY', 'The database does not answer.', 5),
];

describe('PROBLEM_CODES (the OpenAPI document’s schema per code) against the errors thrown', () => {
  it.each(ERRORS.map((error) => [error.code, error] as const))(
    '%s: the status and the members the document promises',
    (code, error) => {
      expect(Object.keys(PROBLEM_CODES)).toContain(code);
      const spec: { status: number; required?: readonly string[]; optional?: readonly string[] } =
        PROBLEM_CODES[code as ProblemCode];
      expect(error.status).toBe(spec.status);
      const allowed = [...(spec.required ?? []), ...(spec.optional ?? [])];
      for (const member of spec.required ?? []) expect(error.extensions).toHaveProperty(member);
      for (const member of Object.keys(error.extensions)) expect(allowed).toContain(member);
    },
  );
});
