import { Injectable } from '@nestjs/common';
import {
  BUCKET_INTERVAL,
  BUCKET_ORIGIN_SQL,
  StatisticsWindow,
} from '../../common/statistics/statistics-window';
import { Database } from '../../database/database';
import { asDate, tableOf } from '../../database/table';
import { SendRefusalCount } from './send-refusal-count.entity';

const counts = tableOf(SendRefusalCount);

/** One hour's (or day's) count of one reason. */
export interface RefusalCountRow {
  start: Date;
  reason: string;
  count: number;
}

/** The SQL of `send_refusal_counts`. */
@Injectable()
export class SendRefusalCountRepository {
  constructor(private readonly db: Database) {}

  /** Adds the counts to what the table holds (other instances add theirs too). */
  async add(rows: readonly Pick<SendRefusalCount, 'hour' | 'reason' | 'count'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO ${counts.name} (hour, reason, count)
       SELECT * FROM unnest($1::timestamptz[], $2::varchar[], $3::integer[])
       ON CONFLICT (hour, reason) DO UPDATE SET count = ${counts.name}.count + EXCLUDED.count`,
      [rows.map((row) => row.hour), rows.map((row) => row.reason), rows.map((row) => row.count)],
    );
  }

  /** Counts per bucket and reason of the hours that overlap [from, to). */
  async perBucket(window: StatisticsWindow): Promise<RefusalCountRow[]> {
    const { rows } = await this.db.query<RefusalCountRow>(
      `SELECT date_bin($3::interval, hour, ${BUCKET_ORIGIN_SQL}) AS "start", reason,
              sum(count)::int AS "count"
         FROM ${counts.name}
        WHERE hour >= date_bin('1 hour', $1::timestamptz, ${BUCKET_ORIGIN_SQL}) AND hour < $2
        GROUP BY 1, 2`,
      [window.from, window.to, BUCKET_INTERVAL[window.bucket]],
    );
    return rows.map((row) => ({ ...row, start: asDate(row.start) }));
  }

  async deleteOlderThan(before: Date): Promise<number> {
    const { affected } = await this.db.query(`DELETE FROM ${counts.name} WHERE hour < $1`, [
      before,
    ]);
    return affected;
  }
}
