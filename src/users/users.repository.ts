import { Injectable } from '@nestjs/common';
import { Database, Queryable, Transaction } from '../database/database';
import { tableOf } from '../database/table';
import { User } from './user.entity';

const users = tableOf(User);

/** What registration stores; the database fills in the id and the timestamps. */
export type NewUserRow = Pick<
  User,
  'username' | 'passwordHash' | 'email' | 'firstName' | 'lastName' | 'registrationNetwork'
>;

const NEW_USER_COLUMNS = [
  'username',
  'passwordHash',
  'email',
  'firstName',
  'lastName',
  'registrationNetwork',
] as const;

/** The SQL of the `users` table. Uniqueness is the indexes' job: callers map their violations. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  async insert(user: NewUserRow): Promise<User> {
    const { rows } = await this.db.query(
      `INSERT INTO ${users.name} (${users.columns(NEW_USER_COLUMNS)})
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${users.select}`,
      NEW_USER_COLUMNS.map((property) => user[property]),
    );
    return users.fromRow(rows[0]);
  }

  async findById(id: string): Promise<User | null> {
    const { rows } = await this.db.query(
      `SELECT ${users.select} FROM ${users.name} WHERE id = $1`,
      [id],
    );
    return rows.length > 0 ? users.fromRow(rows[0]) : null;
  }

  /** Case-insensitive, through the lower(username) index. */
  async findByUsername(username: string): Promise<User | null> {
    const { rows } = await this.db.query(
      `SELECT ${users.select} FROM ${users.name} WHERE lower(username) = lower($1)`,
      [username],
    );
    return rows.length > 0 ? users.fromRow(rows[0]) : null;
  }

  async findVerifiedOwnerId(on: Queryable, phone: string): Promise<string | null> {
    const { rows } = await on.query<Pick<User, 'id'>>(
      `SELECT id FROM ${users.name} WHERE phone_number = $1 AND phone_verified`,
      [phone],
    );
    return rows[0]?.id ?? null;
  }

  /** Inside the caller's transaction; a unique violation aborts it. */
  async setVerifiedPhone(
    transaction: Transaction,
    userId: string,
    phone: string,
    at: Date,
  ): Promise<void> {
    await transaction.query(
      `UPDATE ${users.name}
          SET phone_number = $2, phone_verified = true, phone_verified_at = $3, updated_at = now()
        WHERE id = $1`,
      [userId, phone, at],
    );
  }

  async clearPhone(userId: string): Promise<void> {
    await this.db.query(
      `UPDATE ${users.name}
          SET phone_number = NULL, phone_verified = false, phone_verified_at = NULL, updated_at = now()
        WHERE id = $1`,
      [userId],
    );
  }
}
