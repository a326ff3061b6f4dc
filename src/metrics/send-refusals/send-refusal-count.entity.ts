import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Sends refused before any SMS, counted per UTC hour and reason, for the statistics API (the
 * Prometheus counter resets with the process and cannot be asked about last Tuesday). Each
 * instance adds its own counts every few seconds, so a refusal itself costs no write.
 */
@Entity('send_refusal_counts')
@Check(
  'send_refusal_counts_reason_check',
  `"reason" IN ('cooldown', 'phone', 'user', 'ip', 'budget', 'blocked', 'challenge')`,
)
export class SendRefusalCount {
  /** The start of the UTC hour. */
  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'send_refusal_counts_pkey' })
  hour!: Date;

  @PrimaryColumn('varchar', { length: 10, primaryKeyConstraintName: 'send_refusal_counts_pkey' })
  reason!: string;

  @Column('integer')
  count!: number;
}
