import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { uniqueViolationConstraint } from '../database/database-errors';
import { PHONE_NUMBER_UNIQUE_INDEX, User, USERNAME_UNIQUE_INDEX } from './user.entity';
import { isPossibleUsername } from './username';
import { PhoneInUseError, UsernameTakenError } from './users.errors';

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

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
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
    const repository = manager ? manager.getRepository(User) : this.users;
    const owner = await repository.findOne({
      select: { id: true },
      where: { phoneNumber: phone, phoneVerified: true },
    });
    return owner?.id ?? null;
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
      await manager.update(
        User,
        { id: userId },
        { phoneNumber: phone, phoneVerified: true, phoneVerifiedAt: at },
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
