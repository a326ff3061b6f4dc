import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

export const VERIFICATION_STATUSES = [
  'pending',
  'approved',
  'canceled',
  'expired',
  'failed',
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/**
 * One attempt to prove a user owns one phone number. The code itself is never stored: only an
 * HMAC bound to this row's id, and only once an SMS carrying it was accepted by the gateway.
 */
@Entity('phone_verifications')
@Index('phone_verifications_one_pending_per_user_key', ['userId'], {
  unique: true,
  where: `"status" = 'pending'`,
})
@Index('phone_verifications_user_phone_idx', ['userId', 'phone', 'createdAt'])
@Index('phone_verifications_created_at_idx', ['createdAt'])
// (approved_at) INCLUDE (phone) WHERE approved_at IS NOT NULL (migration IndexStatistics)
@Index('phone_verifications_approved_at_idx', { synchronize: false })
@Check(
  'phone_verifications_status_check',
  `"status" IN ('pending', 'approved', 'canceled', 'expired', 'failed')`,
)
export class PhoneVerification {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'phone_verifications_pkey' })
  id!: string;

  @ForeignKey(() => User, { name: 'phone_verifications_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('varchar', { length: 16 })
  phone!: string;

  /** HMAC-SHA256(OTP_HMAC_SECRET, id + ':' + code); null until an SMS with a code was sent. */
  @Column('bytea', { name: 'code_hash', nullable: true })
  codeHash!: Buffer | null;

  @Column('varchar', { length: 10 })
  status!: VerificationStatus;

  @Column('smallint', { name: 'attempts_left' })
  attemptsLeft!: number;

  @Column('smallint', { name: 'send_count', default: 0 })
  sendCount!: number;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'last_sent_at', nullable: true })
  lastSentAt!: Date | null;

  @Column('timestamptz', { name: 'approved_at', nullable: true })
  approvedAt!: Date | null;

  @Column('timestamptz', { name: 'canceled_at', nullable: true })
  canceledAt!: Date | null;

  @Column('varchar', { name: 'client_ip', length: 45, nullable: true })
  clientIp!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
