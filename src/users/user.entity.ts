import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { USERNAME_MAX_LENGTH } from './username';

/** E.164 allows at most 15 digits after the "+". */
export const PHONE_NUMBER_MAX_LENGTH = 16;

/** The index names UsersService recognises in unique violations. */
export const USERNAME_UNIQUE_INDEX = 'users_username_lower_key';
export const PHONE_NUMBER_UNIQUE_INDEX = 'users_phone_number_key';

/**
 * An account. `username` is stored as typed and unique case-insensitively through an expression
 * index on lower(username), which TypeORM cannot describe; `synchronize: false` tells the schema
 * diff that the migration owns it.
 */
@Entity({ name: 'users' })
@Index('users_registration_network_idx', ['registrationNetwork', 'createdAt'], {
  where: '"registration_network" IS NOT NULL',
})
@Index(USERNAME_UNIQUE_INDEX, { synchronize: false })
@Check(
  'users_phone_verified_consistent',
  '(phone_number IS NOT NULL) = phone_verified AND (phone_verified_at IS NOT NULL) = phone_verified',
)
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'users_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: USERNAME_MAX_LENGTH })
  username!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'first_name', type: 'varchar', length: 100, nullable: true })
  firstName!: string | null;

  @Column({ name: 'last_name', type: 'varchar', length: 100, nullable: true })
  lastName!: string | null;

  /** Non-null only while verified; the unique index (NULLs never collide) gives one owner per number. */
  @Index(PHONE_NUMBER_UNIQUE_INDEX, { unique: true })
  @Column({
    name: 'phone_number',
    type: 'varchar',
    length: PHONE_NUMBER_MAX_LENGTH,
    nullable: true,
  })
  phoneNumber!: string | null;

  @Column({ name: 'phone_verified', type: 'boolean', default: false })
  phoneVerified!: boolean;

  @Column({ name: 'phone_verified_at', type: 'timestamptz', nullable: true })
  phoneVerifiedAt!: Date | null;

  /** The client network (IPv4 /24, IPv6 /48) the account was registered from (fraud guard). */
  @Column({ name: 'registration_network', type: 'varchar', length: 45, nullable: true })
  registrationNetwork!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
