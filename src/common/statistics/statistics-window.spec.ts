import { bucketStart, bucketStarts } from './statistics-window';

describe('statistics buckets', () => {
  it('start at whole UTC hours and days, whatever the offset the time was written with', () => {
    expect(bucketStart(new Date('2026-11-20T10:59:59.999Z'), 'hour').toISOString()).toBe(
      '2026-11-20T10:00:00.000Z',
    );
    expect(bucketStart(new Date('2026-11-21T05:30:00+05:45'), 'day').toISOString()).toBe(
      '2026-11-20T00:00:00.000Z',
    );
  });

  it('cover the window from the bucket holding `from` up to `to` (exclusive)', () => {
    const hours = bucketStarts({
      from: new Date('2026-11-20T08:30:00Z'),
      to: new Date('2026-11-20T11:00:00Z'),
      bucket: 'hour',
    }).map((at) => at.toISOString());
    expect(hours).toEqual([
      '2026-11-20T08:00:00.000Z',
      '2026-11-20T09:00:00.000Z',
      '2026-11-20T10:00:00.000Z',
    ]);
    expect(
      bucketStarts({
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-12-01T00:00:00Z'),
        bucket: 'day',
      }),
    ).toHaveLength(30);
  });
});
