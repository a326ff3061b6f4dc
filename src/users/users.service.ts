import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { uniqueViolationConstraint } from '../database/database-errors';
import { asDate, sql } from '../database/sql';
import { PHONE_NUMBER_UNIQUE_INDEX, User, USERNAME_UNIQUE_INDEX } from './user.entity';
import { isPossibleUsername } from './username';
import { PhoneInUseError, UsernameTakenError } from './users.errors';

// The hot reads map rows themselves: TypeORM's findOne costs more CPU than the query it runs.
const USER_COLUMNS = `id, username, email, password_hash, first_name, last_name, phone_number,
  phone_verified, phone_verified_at, created_at, updated_at`;

interface UserRow {
  id: string;
  username: string;
  email: string | null;
  password_hash: string;
  first_name: string | null;
  last_name: string | null;
  phone_number: string | null;
  phone_verified: boolean;
  phone_verified_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

function toUser(row: UserRow): User {
  return Object.assign(new User(), {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    firstName: row.first_name,
    lastName: row.last_name,
    phoneNumber: row.phone_number,
    phoneVerified: row.phone_verified,
    phoneVerifiedAt: asDate(row.phone_verified_at),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  } satisfies User);
}

export interface NewUser {
  username: string;
  passwordHash: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

/** The only writer of `users`. Uniqueness is left to the database's indexes, never read-then-write. */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** @throws UsernameTakenError when the name exists in any letter case. */
  async create(input: NewUser): Promise<User> {
    try {
      return await this.users.save(
        this.users.create({
          username: input.username,
          passwordHash: input.passwordHash,
          email: input.email ?? null,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
        }),
      );
    } catch (error) {
      if (uniqueViolationConstraint(error) === USERNAME_UNIQUE_INDEX)
        throw new UsernameTakenError();
      throw error;
    }
  }

  async findById(id: string): Promise<User | null> {
    const { rows } = await sql<UserRow>(
      this.users.manager,
      `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
      [id],
    );
    return rows.length > 0 ? toUser(rows[0]) : null;
  }

  /** Case-insensitive, through the lower(username) index. */
  async findByUsername(username: string): Promise<User | null> {
    // A string that could never have been registered (e.g. with a NUL byte) is not even queried.
    if (!isPossibleUsername(username)) return null;
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
  }

  /** The id of the user whose verified number this is, or null. */
  async findVerifiedOwnerId(phone: string, manager?: EntityManager): Promise<string | null> {
    const { rows } = await sql<{ id: string }>(
      manager ?? this.users.manager,
      'SELECT id FROM users WHERE phone_number = $1 AND phone_verified',
      [phone],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Marks `phone` as the user's verified number inside the caller's transaction (`manager` only:
   * on the single-connection embedded database the DataSource would wait for this transaction).
   * @throws PhoneInUseError when another account holds the number (the unique index says so;
   * the violation aborts the transaction, which the caller rolls back).
   */
  async attachVerifiedPhone(
    manager: EntityManager,
    userId: string,
    phone: string,
    at: Date,
  ): Promise<void> {
    try {
      await sql(
        manager,
        `UPDATE users SET phone_number = $2, phone_verified = true, phone_verified_at = $3,
                updated_at = now()
          WHERE id = $1`,
        [userId, phone, at],
      );
    } catch (error) {
      if (uniqueViolationConstraint(error) === PHONE_NUMBER_UNIQUE_INDEX)
        throw new PhoneInUseError();
      throw error;
    }
  }

  /** Forgets the user's number, which frees it for other accounts. */
  async unlinkPhone(userId: string): Promise<void> {
    await this.users.update(
      { id: userId },
      { phoneNumber: null, phoneVerified: false, phoneVerifiedAt: null },
    );
  }
}
