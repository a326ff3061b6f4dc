import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * SMS reserved per UTC day, for the global SMS_DAILY_BUDGET. A counter row rather than a count
 * over the log, so the one update every send must serialise on is O(1); it runs as the send's
 * reservation commits (trigger sms_messages_take_daily_budget), so the row is locked only briefly.
 */
@Entity('sms_daily_usage')
export class SmsDailyUsage {
  @PrimaryColumn('date', { primaryKeyConstraintName: 'sms_daily_usage_pkey' })
  day!: string;

  @Column('integer', { default: 0 })
  reserved!: number;
}
