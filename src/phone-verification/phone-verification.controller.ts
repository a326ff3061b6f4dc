import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '../common/auth/current-user.decorator';
import { ApiProblemResponse, VALIDATION_FAILED_DETAIL } from '../common/http/api-problem-response';
import { ClientIp } from '../common/http/client-ip';
import { CheckVerificationDto } from './dto/check-verification.dto';
import { StartVerificationDto } from './dto/start-verification.dto';
import { PhoneVerificationService } from './phone-verification.service';
import { VerificationIdPipe } from './verification-id.pipe';
import { VerificationView } from './verification.view';

const VERIFICATION_NOT_FOUND =
  'No such verification of yours (also for a malformed id or another user’s).';
const INVALID_PHONE =
  'The number is not a Nepali mobile number of an accepted operator; `errors` says why.';
const PHONE_IN_USE = 'This number is verified on another account.';
const INVALID_PHONE_EXAMPLE = {
  detail: INVALID_PHONE,
  extensions: { errors: [{ field: 'phone', message: 'Only NTC and Ncell numbers are accepted.' }] },
};
const VERIFICATION_ID = ApiParam({
  name: 'id',
  format: 'uuid',
  description: 'The `id` of a verification you started.',
  example: '0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51',
});

@ApiTags('phone verification')
@ApiBearerAuth()
@ApiProblemResponse(401, { UNAUTHENTICATED: 'A valid access token is required.' })
@Controller({ path: 'phone-verifications', version: '1' })
export class PhoneVerificationController {
  constructor(private readonly verifications: PhoneVerificationService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Send a code by SMS',
    description:
      'Starts a verification of the number, or, while your verification of it is pending, sends a new code on the ' +
      'same verification (the previous code stops working; attempts are not reset). Starting one for another number ' +
      'cancels your pending one.',
  })
  @ApiCreatedResponse({
    type: VerificationView,
    description: 'A code is on its way; status `pending`.',
  })
  // One call per status: of two for the same status, only one would reach the document.
  @ApiProblemResponse(400, {
    VALIDATION_FAILED: {
      detail: VALIDATION_FAILED_DETAIL,
      extensions: { errors: [{ field: 'phone', message: 'phone must be a string' }] },
    },
    INVALID_PHONE: INVALID_PHONE_EXAMPLE,
  })
  @ApiProblemResponse(403, {
    PHONE_BLOCKED: {
      detail:
        'The number or its prefix is blocked (by an operator, or by the fraud guard after SMS pumping); Retry-After says until when.',
      extensions: { retryAfterSeconds: 3600 },
    },
  })
  @ApiProblemResponse(409, {
    PHONE_ALREADY_VERIFIED: 'This number is already verified on your account.',
    PHONE_IN_USE,
  })
  @ApiProblemResponse(428, {
    CHALLENGE_REQUIRED: {
      detail:
        'This send needs a solved proof-of-work challenge: fetch one from `challengeUrl`, solve it, send it as `challenge`. No SMS was sent.',
      extensions: { challengeUrl: '/v1/challenges' },
    },
  })
  @ApiProblemResponse(
    429,
    {
      RESEND_COOLDOWN: 'Wait 42 seconds before asking for another code (also sent as Retry-After).',
      SEND_LIMIT_REACHED:
        'Too many codes: for this number from your account (per hour), to this number from anyone (per day), for your account (per day), from your address (per hour), or from your network (its share of the day’s budget).',
    },
    { retryAfterSeconds: 42 },
  )
  @ApiProblemResponse(502, { SMS_GATEWAY_ERROR: 'The SMS provider refused the message.' })
  @ApiProblemResponse(503, {
    SMS_GATEWAY_UNAVAILABLE:
      'No SMS could be handed over: the provider was not reached (nothing counts), or its answer was lost (the SMS may arrive and counts; Retry-After: the cooldown).',
    SMS_BUDGET_EXHAUSTED: {
      detail: 'The service has sent all the SMS it may send today (Retry-After: next UTC day).',
      extensions: { retryAfterSeconds: 36000 },
    },
  })
  start(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: StartVerificationDto,
    @ClientIp() clientIp: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ): Promise<VerificationView> {
    return this.verifications.start({
      userId: user.id,
      phone: body.phone,
      clientIp,
      locale: body.locale,
      acceptLanguage,
      challenge: body.challenge,
    });
  }

  @Post('check')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a code',
    description:
      'Approves your pending verification of the number when the code matches; your account’s phone number is set ' +
      'in the same transaction. A code works once.',
  })
  @ApiOkResponse({ type: VerificationView, description: 'Status `approved`.' })
  @ApiProblemResponse(400, {
    VALIDATION_FAILED: {
      detail:
        'A field is missing, mistyped or unknown, or the code is not OTP_LENGTH digits; see `errors`.',
      extensions: { errors: [{ field: 'code', message: 'must be the 6-digit code' }] },
    },
    INVALID_PHONE: INVALID_PHONE_EXAMPLE,
    INVALID_CODE: {
      detail: 'That code is not right; `attemptsLeft` says how many tries remain.',
      extensions: { attemptsLeft: 4 },
    },
  })
  @ApiProblemResponse(404, {
    VERIFICATION_NOT_FOUND: 'You have no verification of this number awaiting a code.',
  })
  @ApiProblemResponse(409, { PHONE_IN_USE })
  @ApiProblemResponse(410, { VERIFICATION_EXPIRED: 'This code has expired; ask for a new one.' })
  @ApiProblemResponse(
    429,
    {
      TOO_MANY_ATTEMPTS:
        'Too many wrong codes: this verification has failed and checking again will not help. A new code is ' +
        'needed: start a new verification (POST /v1/phone-verifications), possible after Retry-After seconds.',
    },
    { retryAfterSeconds: 42 },
    'Seconds until a new verification of this number can be sent (the resend cooldown from the last SMS), ' +
      'at least 1; also in the body as `retryAfterSeconds`. Checking again after it still answers 429.',
  )
  check(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CheckVerificationDto,
  ): Promise<VerificationView> {
    return this.verifications.check(user.id, body.phone, body.code);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one of your verifications' })
  @VERIFICATION_ID
  @ApiOkResponse({ type: VerificationView, description: 'The verification as it is now.' })
  @ApiProblemResponse(404, { VERIFICATION_NOT_FOUND })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', VerificationIdPipe) id: string,
  ): Promise<VerificationView> {
    return this.verifications.get(user.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Cancel one of your verifications',
    description: 'A pending verification becomes `canceled`; others are left as they are.',
  })
  @VERIFICATION_ID
  @ApiNoContentResponse({ description: 'Canceled (or already finished).' })
  @ApiProblemResponse(404, { VERIFICATION_NOT_FOUND })
  cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', VerificationIdPipe) id: string,
  ): Promise<void> {
    return this.verifications.cancel(user.id, id);
  }
}
