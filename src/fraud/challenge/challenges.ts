import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import type { Queryable } from '../../database/database';
import {
  createSignedChallenge,
  decodePayload,
  MAX_COUNTER,
  SignedChallenge,
  solutionIsValid,
} from './proof-of-work';
import { UsedChallengeRepository } from './used-challenge.repository';

/**
 * Proof-of-work challenges (API.md, "Challenge"): handed out signed with CHALLENGE_HMAC_SECRET,
 * valid for CHALLENGE_TTL_SECONDS, and spendable once, on any instance (PostgreSQL decides).
 */
@Injectable()
export class Challenges {
  constructor(
    private readonly used: UsedChallengeRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  issue(): Promise<SignedChallenge> {
    const expiresAt = new Date(
      this.clock.now().getTime() + this.config.fraud.challengeTtlSeconds * 1000,
    );
    return createSignedChallenge(
      this.config.fraud.challengeSecret,
      expiresAt,
      randomInt(MAX_COUNTER),
    );
  }

  /**
   * Whether `encoded` (the send's `challenge`) is a solution of a challenge this service signed,
   * not expired, and not spent before; spends it on `on` (the send's transaction). Anything
   * malformed is simply not valid.
   */
  async spend(on: Queryable, encoded: unknown): Promise<boolean> {
    const payload = decodePayload(encoded);
    if (!payload?.challenge.signature) return false;
    if (!(await solutionIsValid(payload, this.config.fraud.challengeSecret))) return false;
    const expiresAt = payload.challenge.parameters.expiresAt;
    if (typeof expiresAt !== 'number' || expiresAt * 1000 <= this.clock.now().getTime()) {
      return false;
    }
    return this.used.claim(on, payload.challenge.signature, new Date(expiresAt * 1000));
  }
}
