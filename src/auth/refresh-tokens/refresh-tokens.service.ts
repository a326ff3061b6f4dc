import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { Database, Queryable } from '../../database/database';
import { InvalidRefreshTokenError } from '../auth.errors';
import { generateRefreshToken, hashRefreshToken, refreshTokenExpiresAt } from './refresh-token';
import { RefreshTokenRepository } from './refresh-token.repository';

/**
 * Single-use refresh tokens with rotation. Each decision is one conditional UPDATE, so two
 * requests racing with one token cannot both win; a spent token presented again revokes its
 * whole family (OAuth 2.0 Security BCP, refresh token rotation).
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly db: Database,
    private readonly tokens: RefreshTokenRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** A new token for the user; a new family (session) unless one is given. */
  async issue(userId: string, familyId: string = randomUUID(), on: Queryable = this.db) {
    const token = generateRefreshToken();
    await this.tokens.insert(on, {
      userId,
      familyId,
      tokenHash: hashRefreshToken(token),
      expiresAt: refreshTokenExpiresAt(this.clock.now(), this.config.auth.refreshTtlSeconds),
    });
    return token;
  }

  /**
   * Spends the token and issues its successor in the same family, in one transaction: a
   * concurrent request with the same token waits on the row, then finds it spent.
   * @throws InvalidRefreshTokenError
   */
  async rotate(token: string): Promise<{ userId: string; refreshToken: string }> {
    const tokenHash = hashRefreshToken(token);
    const rotated = await this.db.transaction(async (transaction) => {
      const spent = await this.tokens.spend(transaction, tokenHash, this.clock.now());
      if (!spent) return undefined;
      const refreshToken = await this.issue(spent.userId, spent.familyId, transaction);
      return { userId: spent.userId, refreshToken };
    });
    if (rotated) return rotated;
    await this.revokeFamilyIfReused(tokenHash);
    throw new InvalidRefreshTokenError();
  }

  /**
   * Logout: revokes the session the token belongs to. The token must still be usable; a spent
   * one counts as reuse (its session is revoked) and is refused like any other.
   * @throws InvalidRefreshTokenError
   */
  async revokeSession(token: string): Promise<void> {
    const tokenHash = hashRefreshToken(token);
    const revoked = await this.db.transaction(async (transaction) => {
      const now = this.clock.now();
      const familyId = await this.tokens.revoke(transaction, tokenHash, now);
      if (familyId === null) return false;
      await this.tokens.revokeFamily(transaction, familyId, now);
      return true;
    });
    if (revoked) return;
    await this.revokeFamilyIfReused(tokenHash);
    throw new InvalidRefreshTokenError();
  }

  /** Expired rows and revoked ones (their whole family is revoked too) are of no further use. */
  deleteStale(now: Date): Promise<number> {
    return this.tokens.deleteStale(now);
  }

  private async revokeFamilyIfReused(tokenHash: string): Promise<void> {
    const familyId = await this.tokens.familyOfSpent(tokenHash);
    if (familyId !== null) await this.tokens.revokeFamily(this.db, familyId, this.clock.now());
  }
}
