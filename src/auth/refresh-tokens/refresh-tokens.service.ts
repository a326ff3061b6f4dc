import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { InvalidRefreshTokenError } from '../auth.errors';
import { RefreshToken } from './refresh-token.entity';
import { generateRefreshToken, hashRefreshToken, refreshTokenExpiresAt } from './refresh-token';

/** A RETURNING row: column names, as the database spells them. */
interface FamilyRow {
  user_id: string;
  family_id: string;
}

/**
 * Single-use refresh tokens with rotation. Each decision is one conditional UPDATE, so two
 * requests racing with one token cannot both win; a spent token presented again revokes its
 * whole family (OAuth 2.0 Security BCP, refresh token rotation).
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** A new token for the user; a new family (session) unless one is given. */
  async issue(
    userId: string,
    familyId: string = randomUUID(),
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string> {
    const token = generateRefreshToken();
    const now = this.clock.now();
    await manager.insert(RefreshToken, {
      userId,
      familyId,
      tokenHash: hashRefreshToken(token),
      expiresAt: refreshTokenExpiresAt(now, this.config.auth.refreshTtlSeconds),
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
    const rotated = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const result = await manager
        .createQueryBuilder()
        .update(RefreshToken)
        .set({ usedAt: now })
        .where('token_hash = :tokenHash', { tokenHash })
        .andWhere('used_at IS NULL AND revoked_at IS NULL AND expires_at > :now', { now })
        .returning(['userId', 'familyId']) // property names: unknown ones are silently dropped
        .execute();
      const spent = (result.raw as FamilyRow[])[0];
      if (!spent) return undefined;
      const refreshToken = await this.issue(spent.user_id, spent.family_id, manager);
      return { userId: spent.user_id, refreshToken };
    });
    if (rotated) return rotated;
    await this.revokeFamilyIfReused(tokenHash);
    throw new InvalidRefreshTokenError();
  }

  /**
   * Logout: revokes the session the token belongs to. The token must be the caller's and still
   * usable; a spent one counts as reuse (its session is revoked) and is refused like any other.
   * @throws InvalidRefreshTokenError
   */
  async revokeSession(userId: string, token: string): Promise<void> {
    const tokenHash = hashRefreshToken(token);
    const revoked = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const result = await manager
        .createQueryBuilder()
        .update(RefreshToken)
        .set({ revokedAt: now })
        .where('token_hash = :tokenHash AND user_id = :userId', { tokenHash, userId })
        .andWhere('used_at IS NULL AND revoked_at IS NULL AND expires_at > :now', { now })
        .returning(['familyId'])
        .execute();
      const token = (result.raw as Pick<FamilyRow, 'family_id'>[])[0];
      if (!token) return false;
      await this.revokeFamily(manager, token.family_id, now);
      return true;
    });
    if (revoked) return;
    await this.revokeFamilyIfReused(tokenHash);
    throw new InvalidRefreshTokenError();
  }

  /** Expired rows and revoked ones (their whole family is revoked too) are of no further use. */
  async deleteStale(now: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(RefreshToken)
      .where('expires_at <= :now OR revoked_at IS NOT NULL', { now })
      .execute();
    return result.affected ?? 0;
  }

  private async revokeFamilyIfReused(tokenHash: string): Promise<void> {
    const spent = await this.dataSource.manager.findOne(RefreshToken, {
      select: { familyId: true, usedAt: true },
      where: { tokenHash },
    });
    if (spent?.usedAt) {
      await this.revokeFamily(this.dataSource.manager, spent.familyId, this.clock.now());
    }
  }

  private async revokeFamily(manager: EntityManager, familyId: string, now: Date): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: now })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }
}
