import { secondsUntilNextUtcDay, utcDay } from './sms-delivery-log';

describe('daily budget days', () => {
  it('names the UTC day, whatever the local offset', () => {
    expect(utcDay(new Date('2026-11-22T23:59:59.999Z'))).toBe('2026-11-22');
    expect(utcDay(new Date('2026-11-23T05:44:00+05:45'))).toBe('2026-11-22');
  });

  it('waits until the next UTC midnight', () => {
    expect(secondsUntilNextUtcDay(new Date('2026-11-22T23:59:00.000Z'))).toBe(60);
    expect(secondsUntilNextUtcDay(new Date('2026-11-22T00:00:00.000Z'))).toBe(86_400);
    expect(secondsUntilNextUtcDay(new Date('2026-12-31T23:59:59.500Z'))).toBe(1);
  });
});
