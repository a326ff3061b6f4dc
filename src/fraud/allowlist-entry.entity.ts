import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A number (E.164) or prefix (six digits of the national number) the fraud guard leaves alone:
 * it skips the guard's signals and automatic blocks, not the send limits and not an operator's
 * block. One entry per number or prefix (unique indexes).
 */
@Entity('phone_allowlist')
@Index('phone_allowlist_phone_key', ['phone'], { unique: true, where: `"phone" IS NOT NULL` })
@Index('phone_allowlist_prefix_key', ['prefix'], { unique: true, where: `"prefix" IS NOT NULL` })
@Check('phone_allowlist_one_target_check', `("phone" IS NULL) <> ("prefix" IS NULL)`)
export class AllowlistEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'phone_allowlist_pkey' })
  id!: string;

  @Column('varchar', { length: 16, nullable: true })
  phone!: string | null;

  @Column('varchar', { length: 6, nullable: true })
  prefix!: string | null;

  @Column('varchar', { length: 200 })
  note!: string;

  @Column('varchar', { name: 'created_by', length: 30, nullable: true })
  createdBy!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
