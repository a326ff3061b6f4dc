import { Clock } from '../../src/common/clock';

/** A clock tests move by hand: expiry and limit windows without sleeping. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current += seconds * 1000;
  }

  set(at: Date): void {
    this.current = at.getTime();
  }
}
