/**
 * A time range cut into UTC hours or days, as the statistics API reads it. Each module that owns
 * a table counts its own rows over the window; buckets start at whole UTC hours or days, which
 * PostgreSQL's `date_bin(…, '2000-01-01 00:00:00+00')` and `bucketStart` agree on.
 */
export type StatisticsBucket = 'hour' | 'day';

export const STATISTICS_BUCKETS: readonly StatisticsBucket[] = ['hour', 'day'];

export interface StatisticsWindow {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  readonly bucket: StatisticsBucket;
}

export const BUCKET_MS: Readonly<Record<StatisticsBucket, number>> = {
  hour: 3_600_000,
  day: 86_400_000,
};

/** The bucket's width as a PostgreSQL interval literal, for `date_bin($n::interval, …)`. */
export const BUCKET_INTERVAL: Readonly<Record<StatisticsBucket, string>> = {
  hour: '1 hour',
  day: '1 day',
};

/** The origin every bucket is counted from (a UTC midnight, so days are UTC days). */
export const BUCKET_ORIGIN_SQL = `timestamptz '2000-01-01 00:00:00+00'`;

/** The start of the bucket holding `at` (UTC). */
export function bucketStart(at: Date, bucket: StatisticsBucket): Date {
  const size = BUCKET_MS[bucket];
  return new Date(Math.floor(at.getTime() / size) * size);
}

/** Every bucket start from the one holding `from` up to (not including) `to`. */
export function bucketStarts(window: StatisticsWindow): Date[] {
  const size = BUCKET_MS[window.bucket];
  const starts: Date[] = [];
  for (
    let at = bucketStart(window.from, window.bucket).getTime();
    at < window.to.getTime();
    at += size
  ) {
    starts.push(new Date(at));
  }
  return starts;
}
