import { Injectable } from '@nestjs/common';
import { uniqueViolationConstraint } from '../database/database-errors';
import type { Queryable, Transaction } from '../database/database';
import { PHONE_NUMBER_UNIQUE_INDEX, User, USERNAME_UNIQUE_INDEX } from './user.entity';
import { isPossibleUsername } from './username';
import { PhoneInUseError, UsernameTakenError } from './users.errors';
import { UsersRepository } from './users.repository';

export interface NewUser {
  username: string;
  passwordHash: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** The client network (IPv4 /24, IPv6 /48) it registered from, for the fraud guard. */
  registrationNetwork?: string | null;
}

/** The only writer of `users`. Uniqueness is left to the database's indexes, never read-then-write. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** @throws UsernameTakenError when the name exists in any letter case. */
  async create(input: NewUser): Promise<User> {
    try {
      return await this.users.insert({
        username: input.username,
        passwordHash: input.passwordHash,
        email: input.email ?? null,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        registrationNetwork: input.registrationNetwork ?? null,
      });
    } catch (error) {
      if (uniqueViolationConstraint(error) === USERNAME_UNIQUE_INDEX) {
        throw new UsernameTakenError();
      }
      throw error;
    }
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /** Case-insensitive. */
  async findByUsername(username: string): Promise<User | null> {
    // A string that could never have been registered (e.g. with a NUL byte) is not even queried.
    if (!isPossibleUsername(username)) return null;
    return this.users.findByUsername(username);
  }

  /** The id of the user whose verified number this is, or null (on `on`: a caller's transaction). */
  findVerifiedOwnerId(on: Queryable, phone: string): Promise<string | null> {
    return this.users.findVerifiedOwnerId(on, phone);
  }

  /**
   * Marks `phone` as the user's verified number inside the caller's transaction.
   * @throws PhoneInUseError when another account holds the number (the unique index says so;
   * the violation aborts the transaction, which then rolls back).
   */
  async attachVerifiedPhone(
    transaction: Transaction,
    userId: string,
    phone: string,
    at: Date,
  ): Promise<void> {
    try {
      await this.users.setVerifiedPhone(transaction, userId, phone, at);
    } catch (error) {
      if (uniqueViolationConstraint(error) === PHONE_NUMBER_UNIQUE_INDEX) {
        throw new PhoneInUseError();
      }
      throw error;
    }
  }

  /** Forgets the user's number, which frees it for other accounts. */
  unlinkPhone(userId: string): Promise<void> {
    return this.users.clearPhone(userId);
  }
}
