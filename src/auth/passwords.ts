import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.
 * (`Algorithm` is a const enum whose runtime object is empty, so SWC-compiled code cannot read
 * `Algorithm.Argon2id`; 2 is its value.)
 */
export const ARGON2_OPTIONS: Readonly<Options> = {
  algorithm: 2, // Algorithm.Argon2id
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the username is unknown, so that answer costs as much as a wrong password. */
  private dummyHash!: string;

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(32).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false; // an unreadable stored hash matches nothing
    }
  }

  /** Spends the time of one verification and always fails. */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }
}
