import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * `pending` while the gateway is asked; `sent` and `unknown` count against the limits, `failed`
 * not; `answered` is no SMS (a send answered PHONE_IN_USE / PHONE_ALREADY_VERIFIED) and counts
 * against the caller's own limits only.
 */
export type SmsMessageStatus = 'pending' | 'sent' | 'failed' | 'unknown' | 'answered';
/** What the gateway said (API.md, "Gateway outcomes"). */
export type SmsOutcomeKind = 'sent' | 'refused' | 'unreached' | 'unknown';

/**
 * The delivery log: one row per gateway attempt at an SMS. Never the text or the code.
 * `verification_id` and `user_id` carry no foreign key: a log row may outlive what it refers to.
 * A row is written `pending` before the gateway is called, so concurrent sends see it; it becomes
 * `sent`, `unknown` or `failed` after. Send limits count every row that is not `failed`. A
 * failover attempt (`retry_of` set) continues a failed row of the same send and holds its budget
 * slot (migration RecordGatewayOutcomes).
 */
@Entity('sms_messages')
// (left(to_phone, 10), created_at): the number prefix, an expression TypeORM cannot describe;
// migration CreateFraudGuard owns it.
@Index('sms_messages_prefix_recent_idx', { synchronize: false })
@Index('sms_messages_to_phone_recent_idx', ['toPhone', 'createdAt'], {
  where: `"status" <> 'failed'`,
})
@Index('sms_messages_user_recent_idx', ['userId', 'createdAt'], { where: `"status" <> 'failed'` })
@Index('sms_messages_client_ip_recent_idx', ['clientIp', 'createdAt'], {
  where: `"status" <> 'failed'`,
})
@Index('sms_messages_client_subject_recent_idx', ['clientSubject', 'createdAt'], {
  where: `"status" <> 'failed'`,
})
@Index('sms_messages_client_network_recent_idx', ['clientNetwork', 'createdAt'], {
  where: `"status" <> 'failed'`,
})
// (created_at) INCLUDE (status, provider, operator, latency_ms), for retention and the
// statistics (migration IndexStatistics); TypeORM cannot describe INCLUDE.
@Index('sms_messages_created_at_covering_idx', { synchronize: false })
@Index('sms_messages_verification_idx', ['verificationId'])
@Check(
  'sms_messages_status_check',
  `"status" IN ('pending', 'sent', 'failed', 'unknown', 'answered')`,
)
@Check('sms_messages_outcome_check', `"outcome" IN ('sent', 'refused', 'unreached', 'unknown')`)
export class SmsMessage {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'sms_messages_pkey' })
  id!: string;

  @Column('uuid', { name: 'verification_id', nullable: true })
  verificationId!: string | null;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId!: string | null;

  @Column('varchar', { name: 'to_phone', length: 16 })
  toPhone!: string;

  @Column('varchar', { name: 'client_ip', length: 45, nullable: true })
  clientIp!: string | null;

  /**
   * The gateway asked: sparrow, aakash, console; `test` for a test number and `none` for an
   * answered send (no gateway at all).
   */
  @Column('varchar', { length: 20 })
  provider!: string;

  @Column('varchar', { length: 10 })
  status!: SmsMessageStatus;

  @Column('varchar', { length: 10, nullable: true })
  outcome!: SmsOutcomeKind | null;

  /** For a refusal: the number itself, the account, or something else about the request. */
  @Column('varchar', { name: 'refusal_cause', length: 10, nullable: true })
  refusalCause!: 'number' | 'account' | 'other' | null;

  /** The mobile operator of `to_phone` (NTC, NCELL, SMART, UTL). */
  @Column('varchar', { length: 10, nullable: true })
  operator!: string | null;

  /** The network the gateway says it used, when it says. */
  @Column('varchar', { length: 20, nullable: true })
  network!: string | null;

  @Column('integer', { name: 'latency_ms', nullable: true })
  latencyMs!: number | null;

  @Column('varchar', { length: 5, nullable: true })
  encoding!: 'gsm7' | 'ucs2' | null;

  @Column('smallint', { nullable: true })
  segments!: number | null;

  /** Whom the per-IP limit counts: the address, or an IPv6 client's /64 (ip-keys.ts). */
  @Column('varchar', { name: 'client_subject', length: 45, nullable: true })
  clientSubject!: string | null;

  /** The client's network for the fraud guard: its IPv4 /24 or IPv6 /48. */
  @Column('varchar', { name: 'client_network', length: 45, nullable: true })
  clientNetwork!: string | null;

  /** When the code this SMS carried was approved: what conversion is counted from. */
  @Column('timestamptz', { name: 'converted_at', nullable: true })
  convertedAt!: Date | null;

  /** The failed attempt of the same send this failover attempt continues. */
  @Column('uuid', { name: 'retry_of', nullable: true })
  retryOf!: string | null;

  @Column('varchar', { name: 'provider_code', length: 32, nullable: true })
  providerCode!: string | null;

  @Column('varchar', { name: 'provider_message', length: 200, nullable: true })
  providerMessage!: string | null;

  @Column('varchar', { name: 'provider_message_id', length: 100, nullable: true })
  providerMessageId!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;
}
