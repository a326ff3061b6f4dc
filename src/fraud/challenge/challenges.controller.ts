import { Controller, Get, Header, Injectable, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator';
import { ApiProblemResponse } from '../../common/http/api-problem-response';
import type { WithClientIp } from '../../common/http/client-ip';
import { ipLimitSubject } from '../../common/http/ip-keys';
import { RateLimitStore } from '../../rate-limit/rate-limit-store';
import { TooManyRequestsError } from '../../rate-limit/rate-limit.errors';
import { Challenges } from './challenges';
import type { SignedChallenge } from './proof-of-work';

/** Challenges one client (IPv6: one /64) may fetch per minute: a page needs one per send. */
export const CHALLENGES_PER_MINUTE = 30;

@Injectable()
class ChallengeRateLimit implements CanActivate {
  constructor(private readonly store: RateLimitStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { clientIp } = context.switchToHttp().getRequest<WithClientIp>();
    const window = await this.store.hit(`challenge:${ipLimitSubject(clientIp)}`, 60_000);
    if (window && window.count > CHALLENGES_PER_MINUTE) {
      throw new TooManyRequestsError(Math.max(1, Math.ceil(window.resetInMs / 1000)));
    }
    return true;
  }
}

@ApiTags('phone verification')
@Controller({ path: 'challenges', version: '1' })
export class ChallengesController {
  constructor(private readonly challenges: Challenges) {}

  @Public()
  @UseGuards(ChallengeRateLimit)
  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'A proof-of-work challenge for the next send',
    description:
      'An ALTCHA proof-of-work challenge (altcha-lib 2, PBKDF2/SHA-256), signed, valid for ' +
      'CHALLENGE_TTL_SECONDS and usable once. Solve it (ALTCHA’s solver, e.g. in a Web Worker) and ' +
      'send base64 of the JSON `{ challenge, solution }` as the send’s `challenge` when a send ' +
      'answers 428 CHALLENGE_REQUIRED.',
  })
  @ApiOkResponse({
    description: 'The challenge, as altcha-lib creates it.',
    schema: {
      type: 'object',
      required: ['parameters', 'signature'],
      properties: {
        parameters: {
          type: 'object',
          required: ['algorithm', 'nonce', 'salt', 'cost', 'keyLength', 'keyPrefix', 'expiresAt'],
          properties: {
            algorithm: { type: 'string', example: 'PBKDF2/SHA-256' },
            nonce: { type: 'string', example: 'e4aa66a657c1a7b392a88e7d8037f3af' },
            salt: { type: 'string', example: '537991ae4e8eb8b508ce22ec09f06539' },
            cost: { type: 'integer', example: 2000 },
            keyLength: { type: 'integer', example: 32 },
            keyPrefix: { type: 'string', example: 'b94a2d567aa4af0656252155c16aa1a0' },
            expiresAt: { type: 'integer', description: 'Unix seconds.', example: 1796163707 },
          },
        },
        signature: {
          type: 'string',
          example: 'a22e2f3b33d358506fa9ee220d7df8ab181150258037172e0ec24fb916ca1342',
        },
      },
    },
  })
  @ApiProblemResponse(
    429,
    {
      TOO_MANY_REQUESTS:
        'Too many challenges asked for from this address; retry after Retry-After.',
    },
    { retryAfterSeconds: 42 },
  )
  issue(): Promise<SignedChallenge> {
    return this.challenges.issue();
  }
}

export { ChallengeRateLimit };
