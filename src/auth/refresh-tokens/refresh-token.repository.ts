import { Injectable } from '@nestjs/common';
import { Database, Queryable, Transaction } from '../../database/database';
import { tableOf } from '../../database/table';
import { RefreshToken } from './refresh-token.entity';

const tokens = tableOf(RefreshToken);

export type NewRefreshToken = Pick<RefreshToken, 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>;
const NEW_TOKEN_COLUMNS = ['userId', 'familyId', 'tokenHash', 'expiresAt'] as const;

/** The SQL of `refresh_tokens`. Every state change is one conditional UPDATE. */
@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly db: Database) {}

  async insert(on: Queryable, token: NewRefreshToken): Promise<void> {
    await on.query(
      `INSERT INTO ${tokens.name} (${tokens.columns(NEW_TOKEN_COLUMNS)}) VALUES ($1, $2, $3, $4)`,
      NEW_TOKEN_COLUMNS.map((property) => token[property]),
    );
  }

  /** Marks a usable token used; its session, or null when it was not usable. */
  async spend(
    transaction: Transaction,
    tokenHash: string,
    now: Date,
  ): Promise<Pick<RefreshToken, 'userId' | 'familyId'> | null> {
    const { rows } = await transaction.query<Pick<RefreshToken, 'userId' | 'familyId'>>(
      `UPDATE ${tokens.name} SET used_at = $2
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        RETURNING user_id AS "userId", family_id AS "familyId"`,
      [tokenHash, now],
    );
    return rows[0] ?? null;
  }

  /** Revokes a usable token; its family, or null when there was none. */
  async revoke(transaction: Transaction, tokenHash: string, now: Date): Promise<string | null> {
    const { rows } = await transaction.query<Pick<RefreshToken, 'familyId'>>(
      `UPDATE ${tokens.name} SET revoked_at = $2
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        RETURNING family_id AS "familyId"`,
      [tokenHash, now],
    );
    return rows[0]?.familyId ?? null;
  }

  async revokeFamily(on: Queryable, familyId: string, now: Date): Promise<void> {
    await on.query(
      `UPDATE ${tokens.name} SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, now],
    );
  }

  /** The session of a token that was already used, or null for any other token. */
  async familyOfSpent(tokenHash: string): Promise<string | null> {
    const { rows } = await this.db.query<Pick<RefreshToken, 'familyId'>>(
      `SELECT family_id AS "familyId" FROM ${tokens.name}
        WHERE token_hash = $1 AND used_at IS NOT NULL`,
      [tokenHash],
    );
    return rows[0]?.familyId ?? null;
  }

  async deleteStale(now: Date): Promise<number> {
    const { affected } = await this.db.query(
      `DELETE FROM ${tokens.name} WHERE expires_at <= $1 OR revoked_at IS NOT NULL`,
      [now],
    );
    return affected;
  }
}
