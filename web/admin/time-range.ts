/** The dashboard's three ranges, each ending now, in whole UTC hours or days. */
export type RangeName = '24h' | '7d' | '30d';

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
  readonly bucket: 'hour' | 'day';
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 24 hourly points, 168 hourly points, or 30 daily points; the last one is the current, partial. */
export function rangeEndingAt(name: RangeName, now: Date): TimeRange {
  const at = now.getTime();
  switch (name) {
    case '24h':
      return { from: new Date(Math.floor(at / HOUR) * HOUR - 23 * HOUR), to: now, bucket: 'hour' };
    case '7d':
      return { from: new Date(Math.floor(at / HOUR) * HOUR - 167 * HOUR), to: now, bucket: 'hour' };
    case '30d':
      return { from: new Date(Math.floor(at / DAY) * DAY - 29 * DAY), to: now, bucket: 'day' };
  }
}

export function isRangeName(value: string | undefined): value is RangeName {
  return value === '24h' || value === '7d' || value === '30d';
}
