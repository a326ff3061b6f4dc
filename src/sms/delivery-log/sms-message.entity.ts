import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type SmsMessageStatus = 'pending' | 'sent' | 'failed';

/**
 * The delivery log: one row per SMS the service tried to send. Never the text or the code.
 * `verification_id` and `user_id` carry no foreign key: a log row may outlive what it refers to.
 * A row is written `pending` before the gateway is called, so concurrent sends see it; it becomes
 * `sent` or `failed` after. Send limits count every row that is not `failed`.
 */
@Entity('sms_messages')
@Index('sms_messages_to_phone_recent_idx', ['toPhone', 'createdAt'], {
  where: `"status" <> 'failed'`,
})
@Index('sms_messages_user_recent_idx', ['userId', 'createdAt'], { where: `"status" <> 'failed'` })
@Index('sms_messages_client_ip_recent_idx', ['clientIp', 'createdAt'], {
  where: `"status" <> 'failed'`,
})
@Index('sms_messages_created_at_idx', ['createdAt'])
@Check('sms_messages_status_check', `"status" IN ('pending', 'sent', 'failed')`)
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

  @Column('varchar', { length: 20 })
  provider!: string;

  @Column('varchar', { length: 10 })
  status!: SmsMessageStatus;

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
