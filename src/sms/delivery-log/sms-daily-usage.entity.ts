import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * SMS reserved per UTC day, for the global SMS_DAILY_BUDGET. A counter row rather than a count
 * over the log, so the one statement every send must serialise on is O(1).
 */
@Entity('sms_daily_usage')
export class SmsDailyUsage {
  @PrimaryColumn('date', { primaryKeyConstraintName: 'sms_daily_usage_pkey' })
  day!: string;

  @Column('integer', { default: 0 })
  reserved!: number;
}
