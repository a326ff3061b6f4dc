import { Injectable } from '@nestjs/common';
import { Database, Transaction } from '../../database/database';
import { tableOf } from '../../database/table';
import { LoginFailure } from './login-failure.entity';

const failures = tableOf(LoginFailure);

/** The SQL of `login_failures`. */
@Injectable()
export class LoginFailureRepository {
  constructor(private readonly db: Database) {}

  /** The newest `limit` failures of this key and IP subject since `since`, newest first. */
  async recent(
    transaction: Transaction,
    usernameKey: string,
    ipSubject: string,
    since: Date,
    limit: number,
  ): Promise<Date[]> {
    const { rows } = await transaction.query(
      `SELECT failed_at AS "failedAt" FROM ${failures.name}
        WHERE username_key = $1 AND client_ip = $2 AND failed_at > $3
        ORDER BY failed_at DESC LIMIT $4`,
      [usernameKey, ipSubject, since, limit],
    );
    return rows.map((row) => failures.fromRow<'failedAt'>(row).failedAt);
  }

  async insert(
    transaction: Transaction,
    usernameKey: string,
    ipSubject: string,
    failedAt: Date,
  ): Promise<void> {
    await transaction.query(
      `INSERT INTO ${failures.name} (username_key, client_ip, failed_at) VALUES ($1, $2, $3)`,
      [usernameKey, ipSubject, failedAt],
    );
  }

  async deleteFor(usernameKey: string, ipSubject: string): Promise<void> {
    await this.db.query(`DELETE FROM ${failures.name} WHERE username_key = $1 AND client_ip = $2`, [
      usernameKey,
      ipSubject,
    ]);
  }

  async deleteUpTo(failedAt: Date): Promise<number> {
    const { affected } = await this.db.query(`DELETE FROM ${failures.name} WHERE failed_at <= $1`, [
      failedAt,
    ]);
    return affected;
  }
}
