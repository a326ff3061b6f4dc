/**
 * Times `GET /v1/admin/stats` for the last 7 days by hour on the database DATABASE_URL names
 * (seeded by `npm run seed:stats`), end to end through the same services and SQL as the app,
 * then prints `EXPLAIN (ANALYZE, BUFFERS)` of each statement it sent. For docs/performance.md,
 * "Statistics query on 1 M rows".
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/pv_stats npm run explain:stats
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { StatisticsService } from '../src/admin/stats/statistics.service';
import { SystemClock } from '../src/common/clock';
import type { StatisticsBucket } from '../src/common/statistics/statistics-window';
import { loadConfiguration } from '../src/configuration';
import { Database, Rows } from '../src/database/database';
import { SendRefusalCountRepository } from '../src/metrics/send-refusals/send-refusal-count.repository';
import { SendRefusalCounts } from '../src/metrics/send-refusals/send-refusal-counts';
import { PhoneVerificationRepository } from '../src/phone-verification/phone-verification.repository';
import { VerificationStatistics } from '../src/phone-verification/verification-statistics';
import { DeliveryStatistics } from '../src/sms/delivery-log/delivery-statistics';
import { SmsMessageRepository } from '../src/sms/delivery-log/sms-message.repository';
import { seedableDatabaseName } from './seed-stats';

/** The app's database port, noting each statement it runs (the last run's are explained). */
class RecordingDatabase extends Database {
  recorded: Array<{ text: string; params: readonly unknown[] }> = [];

  override query<Row = Record<string, unknown>>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<Rows<Row>> {
    this.recorded.push({ text, params });
    return super.query<Row>(text, params);
  }
}

const RUNS = Number(process.env.EXPLAIN_RUNS ?? 15);

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to a database seeded by `npm run seed:stats`.');
  seedableDatabaseName(url);
  const days = Number(process.env.EXPLAIN_DAYS ?? 7);
  const bucket = (process.env.EXPLAIN_BUCKET ?? 'hour') as StatisticsBucket;
  const pool = new Pool({ connectionString: url, max: 4 });
  const db = new RecordingDatabase(pool);
  const clock = new SystemClock();
  const statistics = new StatisticsService(
    new DeliveryStatistics(new SmsMessageRepository(db)),
    new VerificationStatistics(new PhoneVerificationRepository(db)),
    new SendRefusalCounts(new SendRefusalCountRepository(db), clock, loadConfiguration({})),
    clock,
  );
  try {
    const to = new Date();
    const window = { from: new Date(to.getTime() - days * 86_400_000), to, bucket };
    const sizes = await pool.query<{ sms: number; verifications: number }>(
      `SELECT (SELECT count(*)::int FROM sms_messages) AS sms,
              (SELECT count(*)::int FROM phone_verifications) AS verifications`,
    );
    log(
      `${sizes.rows[0].sms} SMS, ${sizes.rows[0].verifications} verifications; ${days} days by ${bucket}`,
    );

    const timings: number[] = [];
    let answer = await statistics.statistics(window); // warms the cache and the prepared statements
    for (let run = 0; run < RUNS; run++) {
      db.recorded = [];
      const started = process.hrtime.bigint();
      answer = await statistics.statistics(window);
      timings.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    timings.sort((a, b) => a - b);
    const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))];
    log(
      `whole answer (${answer.buckets.length} buckets, ${answer.totals.sent} sent), ${RUNS} runs: ` +
        `min ${timings[0].toFixed(0)} ms, median ${at(0.5).toFixed(0)} ms, max ${timings[timings.length - 1].toFixed(0)} ms`,
    );

    for (const { text, params } of db.recorded) {
      if (/^\s*INSERT/i.test(text)) continue;
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
        [...params],
      );
      log(
        `\n${text.replace(/\s+/g, ' ').trim()}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`,
      );
    }
  } finally {
    await pool.end();
  }
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
