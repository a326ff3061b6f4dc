import { RateLimitStore, WindowCount } from './rate-limit-store';

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Fixed windows in a Map, for a single instance. Expired windows are swept at most once per
 * window length, so a flood from many addresses cannot grow the map without bound.
 */
export class MemoryRateLimitStore extends RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private nextSweepAt = 0;

  /** `now` is a monotonic millisecond clock (real time, like Redis TTLs), injectable for tests. */
  constructor(private readonly now: () => number = () => performance.now()) {
    super();
  }

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    this.sweep(now, windowMs);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return Promise.resolve({ count: window.count, resetInMs: window.endsAt - now });
  }

  /** Keys currently held (for tests of the sweep). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number, windowMs: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + windowMs;
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
    }
  }
}
