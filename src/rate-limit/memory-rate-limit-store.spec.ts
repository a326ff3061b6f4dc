import { MemoryRateLimitStore } from './memory-rate-limit-store';

describe('MemoryRateLimitStore', () => {
  let now = 0;
  const store = () => new MemoryRateLimitStore(() => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts hits per key within a fixed window and says when it ends', async () => {
    const counts = store();
    expect(await counts.hit('a', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    now += 20_000;
    expect(await counts.hit('a', 60_000)).toEqual({ count: 2, resetInMs: 40_000 });
    expect(await counts.hit('b', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('starts a new window once the old one ends', async () => {
    const counts = store();
    await counts.hit('a', 60_000);
    await counts.hit('a', 60_000);
    now += 60_000;
    expect(await counts.hit('a', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('forgets ended windows, so many one-off addresses do not pile up', async () => {
    const counts = store();
    for (let i = 0; i < 1000; i++) await counts.hit(`ip-${i}`, 60_000);
    expect(counts.size).toBe(1000);
    now += 60_000;
    await counts.hit('late', 60_000);
    expect(counts.size).toBe(1);
  });
});
