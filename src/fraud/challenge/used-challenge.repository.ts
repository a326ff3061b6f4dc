import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '../../database/database';
import { tableOf } from '../../database/table';
import { UsedChallenge } from './used-challenge.entity';

const used = tableOf(UsedChallenge);

/** The SQL of `used_challenges`. */
@Injectable()
export class UsedChallengeRepository {
  constructor(private readonly db: Database) {}

  /** Records the challenge as spent; false when it already was (by any instance). */
  async claim(on: Queryable, signature: string, expiresAt: Date): Promise<boolean> {
    const { affected } = await on.query(
      `INSERT INTO ${used.name} (signature, expires_at) VALUES ($1, $2)
       ON CONFLICT (signature) DO NOTHING`,
      [signature, expiresAt],
    );
    return affected === 1;
  }

  async deleteExpired(now: Date): Promise<number> {
    const { affected } = await this.db.query(`DELETE FROM ${used.name} WHERE expires_at < $1`, [
      now,
    ]);
    return affected;
  }
}
