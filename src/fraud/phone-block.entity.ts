import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who put a block in place: an operator (the admin API) or the fraud guard. */
export type BlockSource = 'operator' | 'auto';

/**
 * A block on one number (E.164) or one prefix (the first six digits of the national number):
 * sends to it are refused until `expires_at`. A block is never deleted when it is lifted early
 * (`lifted_at`): the fraud guard doubles an automatic block for each repeat within 24 hours, and
 * counts the repeats from these rows (indexes on target and `created_at`).
 */
@Entity('phone_blocks')
@Index('phone_blocks_phone_idx', ['phone', 'createdAt'], { where: `"phone" IS NOT NULL` })
@Index('phone_blocks_prefix_idx', ['prefix', 'createdAt'], { where: `"prefix" IS NOT NULL` })
@Index('phone_blocks_in_force_idx', ['expiresAt'], { where: `"lifted_at" IS NULL` })
@Check('phone_blocks_one_target_check', `("phone" IS NULL) <> ("prefix" IS NULL)`)
@Check('phone_blocks_source_check', `"source" IN ('operator', 'auto')`)
export class PhoneBlock {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'phone_blocks_pkey' })
  id!: string;

  @Column('varchar', { length: 16, nullable: true })
  phone!: string | null;

  @Column('varchar', { length: 6, nullable: true })
  prefix!: string | null;

  @Column('varchar', { length: 10 })
  source!: BlockSource;

  @Column('varchar', { length: 200 })
  reason!: string;

  /** The operator's username; null for an automatic block. */
  @Column('varchar', { name: 'created_by', length: 30, nullable: true })
  createdBy!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'lifted_at', nullable: true })
  liftedAt!: Date | null;

  @Column('varchar', { name: 'lifted_by', length: 30, nullable: true })
  liftedBy!: string | null;
}
